import { useEffect, useState } from 'preact/hooks';
import { mayEditDirectory } from '#domain/access.ts';
import { DIRECTORY_LIMITS, FIELD_LIMITS } from '#domain/fields.ts';
import { type ApiError, api } from '../api.ts';
import type { Session } from '../auth.ts';
import { ErrorSummary, Field, Notice, useFieldErrors, useFocusHeading } from '../components.tsx';
import { areaName, LANGUAGES, lang, t } from '../i18n.ts';
import type { MessageKey } from '../messages/zh-Hant.ts';
import { Link } from '../router.tsx';
import { fromServer } from '../validation.ts';
import {
  estateHref,
  History,
  type HistoryLine,
  languageLabel,
  type Resident,
  roleLabel,
  type UnitView,
} from './directory.tsx';
import { dt } from './directory-text.ts';
import { CONTACTS, type ContactField, type DraftResident, validateResidents } from './residents.ts';

/**
 * `/directory/units/{id}`: a unit of the register, its residents and their contacts, the newest
 * lines of its audit trail, a way to its complaints, and — for reception, supervisors and
 * customer service of its area (lambdas/domain/access.ts mayEditDirectory, as the API decides)
 * — the form that keeps its residents up to date (`PATCH /api/directory/units/{id}`).
 */

type UnitAnswer = UnitView & { readonly history?: readonly HistoryLine[] };

const CONTACT_MAX: Record<ContactField, number> = {
  phones: DIRECTORY_LIMITS.phonesPerResident,
  emails: DIRECTORY_LIMITS.emailsPerResident,
  faxes: DIRECTORY_LIMITS.faxesPerResident,
};
const CONTACT_LABEL = { phones: 'dir.phoneN', emails: 'dir.emailN', faxes: 'dir.faxN' } as const;
const CONTACT_ADD = { phones: 'dir.addPhone', emails: 'dir.addEmail', faxes: 'dir.addFax' } as const;

let drafted = 0;
const draftOf = (r: Resident): DraftResident => ({
  key: `r${drafted++}`,
  id: r.id,
  name: r.name,
  role: r.role,
  phones: [...r.phones],
  emails: [...r.emails],
  faxes: [...(r.faxes ?? [])],
  language: r.language,
});

/** What the API takes for the residents: the form's values, trimmed (the API checks them again). */
const payloadOf = (residents: readonly DraftResident[]) =>
  residents.map((r) => ({
    ...(r.id ? { id: r.id } : {}),
    name: r.name.trim(),
    role: r.role,
    phones: r.phones.map((p) => p.trim()),
    emails: r.emails.map((e) => e.trim()),
    faxes: r.faxes.map((f) => f.trim()),
    language: r.language,
  }));

export function UnitPage({ session, id }: { session: Session; id: string }) {
  const heading = useFocusHeading(id);
  const [unit, setUnit] = useState<UnitAnswer | undefined>();
  /** The unit's names in 繁體, as complaint records keep them (lambdas/domain/complaint.ts RegisterUnitRef). */
  const [recordNames, setRecordNames] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const [loads, setLoads] = useState(0);
  const language = lang();
  const path = `/api/directory/units/${encodeURIComponent(id)}`;
  useEffect(() => {
    setFailure(undefined);
    api<UnitAnswer>('GET', `${path}?lang=${language}`)
      .then(setUnit)
      .catch((e) => {
        const error = e as ApiError;
        setFailure(
          error.status === 404
            ? dt('dir.unitNotFound')
            : error.status === 403
              ? dt('dir.forbidden')
              : t(error.status === 0 ? 'error.network' : 'app.error'),
        );
      });
  }, [id, language, loads]);
  useEffect(() => {
    const names = (u: UnitView) => `${u.estate} ${u.building} ${u.unit}`;
    if (language === 'zh-Hant') {
      if (unit) setRecordNames(names(unit));
      return;
    }
    void api<UnitView>('GET', `${path}?lang=zh-Hant`)
      .then((u) => setRecordNames(names(u)))
      .catch(() => setRecordNames(undefined));
  }, [id, language, unit?.version]);

  if (failure) {
    return (
      <section>
        <h1 ref={heading} tabIndex={-1}>
          {dt('dir.title')}
        </h1>
        <Notice kind="error">{failure}</Notice>
        <Link href="/directory">{dt('dir.backToDirectory')}</Link>
      </section>
    );
  }
  if (!unit) return <p>{t('app.loading')}</p>;
  const editable = mayEditDirectory(session, unit.area);
  return (
    <section>
      <p>
        <Link href={estateHref(unit.estateId)}>{dt('dir.backToEstate', { estate: unit.estate })}</Link>
      </p>
      <div class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {dt('dir.unitTitle', { estate: unit.estate, building: unit.building, unit: unit.unit })}
        </h1>
      </div>
      <dl class="record">
        <div>
          <dt>{dt('dir.estate')}</dt>
          <dd>
            <Link href={estateHref(unit.estateId)}>{unit.estate}</Link>
          </dd>
        </div>
        <div>
          <dt>{dt('dir.building')}</dt>
          <dd>
            <Link href={`${estateHref(unit.estateId)}?building=${encodeURIComponent(unit.buildingCode)}`}>
              {unit.building}
            </Link>
          </dd>
        </div>
        <div>
          <dt>{dt('dir.unit')}</dt>
          <dd>{unit.unit}</dd>
        </div>
        <div>
          <dt>{dt('dir.area')}</dt>
          <dd>{areaName(unit.area)}</dd>
        </div>
      </dl>
      {saved ? <Notice kind="success">{dt('dir.saved')}</Notice> : null}
      <ResidentsTable residents={unit.residents} />
      {editable ? (
        <ResidentsForm
          key={unit.version}
          unit={unit}
          onSaved={() => {
            setSaved(true);
            setLoads((n) => n + 1);
          }}
          onReload={() => {
            setSaved(false);
            setLoads((n) => n + 1);
          }}
        />
      ) : (
        <p class="hint" data-testid="unit-read-only">
          {dt('dir.readOnly')}
        </p>
      )}
      <section class="card" aria-labelledby="unit-complaints">
        <h2 id="unit-complaints">{dt('dir.complaints')}</h2>
        <p class="hint">{dt('dir.complaintsHint')}</p>
        {recordNames ? (
          <Link href={`/complaints?q=${encodeURIComponent(recordNames)}`}>{dt('dir.complaintsLink')}</Link>
        ) : null}
      </section>
      <History lines={unit.history ?? []} residents={unit.residents} />
    </section>
  );
}

function ResidentsTable({ residents }: { residents: readonly Resident[] }) {
  return (
    <section class="card" aria-labelledby="unit-residents">
      <h2 id="unit-residents">{dt('dir.residents')}</h2>
      {residents.length === 0 ? (
        <p>{dt('dir.noResidents')}</p>
      ) : (
        <table class="table residents-table" data-testid="residents">
          <thead>
            <tr>
              <th scope="col">{dt('dir.resident.name')}</th>
              <th scope="col">{dt('dir.resident.role')}</th>
              <th scope="col">{dt('dir.resident.phones')}</th>
              <th scope="col">{dt('dir.resident.emails')}</th>
              <th scope="col">{dt('dir.resident.faxes')}</th>
              <th scope="col">{dt('dir.resident.language')}</th>
            </tr>
          </thead>
          <tbody>
            {residents.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td>{roleLabel(r.role)}</td>
                <td>{r.phones.length ? r.phones.join('\n') : t('app.none')}</td>
                <td>{r.emails.length ? r.emails.join('\n') : t('app.none')}</td>
                <td>{r.faxes?.length ? r.faxes.join('\n') : t('app.none')}</td>
                <td>{languageLabel(r.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * *Edit residents*: the unit's residents as they are now — add one, remove one who moved out,
 * change a name, role, contact or language — sent whole with the version read. A problem is
 * shown at its field (the browser's check, then the API's 400), and goes as the field is fixed;
 * someone else's change in between is a 409, said plainly with a way to reload.
 */
function ResidentsForm({
  unit,
  onSaved,
  onReload,
}: {
  unit: UnitAnswer;
  onSaved: () => void;
  onReload: () => void;
}) {
  const [residents, setResidents] = useState<DraftResident[]>(() => unit.residents.map(draftOf));
  const problems = useFieldErrors();
  const errors = problems.errors;
  const [notice, setNotice] = useState<MessageKey | 'nothing' | undefined>();
  const [conflict, setConflict] = useState(false);
  const [sending, setSending] = useState(false);
  const [focus, setFocus] = useState<string | undefined>();
  useEffect(() => {
    if (!focus) return;
    document.getElementById(focus)?.focus();
    setFocus(undefined);
  }, [focus]);

  const residentLabel = (i: number) => dt('dir.residentN', { n: i + 1 });
  const labels: Record<string, string> = {};
  residents.forEach((r, i) => {
    labels[`residents.${i}.name`] = dt('dir.fieldOf', {
      resident: residentLabel(i),
      field: dt('dir.resident.name'),
    });
    labels[`residents.${i}.role`] = dt('dir.fieldOf', {
      resident: residentLabel(i),
      field: dt('dir.resident.role'),
    });
    labels[`residents.${i}.language`] = dt('dir.fieldOf', {
      resident: residentLabel(i),
      field: dt('dir.resident.language'),
    });
    for (const field of CONTACTS) {
      r[field].forEach((_, j) => {
        labels[`residents.${i}.${field}.${j}`] = dt('dir.fieldOf', {
          resident: residentLabel(i),
          field: dt(CONTACT_LABEL[field], { n: j + 1 }),
        });
      });
    }
  });

  /** A change to one field: its problem goes as it is fixed (validation.ts errorsAfterEdit). */
  const edit = (field: string, next: DraftResident[]) => {
    setResidents(next);
    setNotice(undefined);
    problems.edited(field, validateResidents(next));
  };
  /** Rows added or removed: the fields' numbers move, so what was shown is checked afresh. */
  const restructure = (next: DraftResident[], focusId?: string) => {
    setResidents(next);
    setNotice(undefined);
    if (Object.keys(errors).length) problems.found(validateResidents(next));
    if (focusId) setFocus(focusId);
  };
  const update = (i: number, change: Partial<DraftResident>) =>
    residents.map((r, k) => (k === i ? { ...r, ...change } : r));

  const submit = async (event: Event) => {
    event.preventDefault();
    if (sending) return;
    setNotice(undefined);
    setConflict(false);
    const found = validateResidents(residents);
    problems.found(found);
    if (Object.keys(found).length) return;
    const payload = payloadOf(residents);
    const before = payloadOf(unit.residents.map(draftOf));
    if (JSON.stringify(payload) === JSON.stringify(before)) {
      setNotice('nothing');
      return;
    }
    setSending(true);
    try {
      await api('PATCH', `/api/directory/units/${encodeURIComponent(unit.id)}`, {
        version: unit.version,
        residents: payload,
      });
      onSaved();
    } catch (e) {
      const error = e as ApiError;
      if (error.status === 400 && error.fields.length) problems.fromApi(fromServer(error.fields));
      else if (error.status === 409) setConflict(true);
      else
        setNotice(
          error.status === 403 ? 'error.forbidden' : error.status === 0 ? 'error.network' : 'app.error',
        );
    } finally {
      setSending(false);
    }
  };

  return (
    <section class="card" aria-labelledby="edit-residents-heading">
      <details>
        <summary>
          <h2 id="edit-residents-heading">{dt('dir.edit')}</h2>
        </summary>
        <p class="hint">{dt('dir.editIntro')}</p>
        <form class="form" onSubmit={(e) => void submit(e)} noValidate data-testid="edit-residents">
          <ErrorSummary errors={errors} labels={labels} />
          {residents.map((r, i) => (
            <fieldset class="group resident" key={r.key} data-testid={`resident-${i}`}>
              <legend>
                {residentLabel(i)}
                {r.name.trim() ? `${dt('dir.colon')}${r.name.trim()}` : ''}
              </legend>
              <div class="row">
                <Field field={`residents.${i}.name`} label={dt('dir.resident.name')} errors={errors}>
                  {(attributes) => (
                    <input
                      {...attributes}
                      type="text"
                      autoComplete="off"
                      maxLength={DIRECTORY_LIMITS.residentName}
                      value={r.name}
                      onInput={(e) => edit(`residents.${i}.name`, update(i, { name: e.currentTarget.value }))}
                    />
                  )}
                </Field>
                <Field field={`residents.${i}.role`} label={dt('dir.resident.role')} errors={errors}>
                  {(attributes) => (
                    <select
                      {...attributes}
                      value={r.role}
                      onChange={(e) =>
                        edit(
                          `residents.${i}.role`,
                          update(i, { role: e.currentTarget.value as DraftResident['role'] }),
                        )
                      }
                    >
                      <option value="owner">{dt('dir.role.owner')}</option>
                      <option value="tenant">{dt('dir.role.tenant')}</option>
                    </select>
                  )}
                </Field>
                <Field field={`residents.${i}.language`} label={dt('dir.resident.language')} errors={errors}>
                  {(attributes) => (
                    <select
                      {...attributes}
                      value={r.language}
                      onChange={(e) =>
                        edit(`residents.${i}.language`, update(i, { language: e.currentTarget.value }))
                      }
                    >
                      {LANGUAGES.map((id) => (
                        <option key={id} value={id} lang={id}>
                          {t(`language.${id}`)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              </div>
              {CONTACTS.map((field) => (
                <div class="contacts" key={field}>
                  {r[field].map((value, j) => {
                    const name = `residents.${i}.${field}.${j}`;
                    const label = dt(CONTACT_LABEL[field], { n: j + 1 });
                    return (
                      <div class="contact" key={`${field}${j}`}>
                        <Field field={name} label={label} errors={errors}>
                          {(attributes) => (
                            <input
                              {...attributes}
                              type="text"
                              inputMode={field === 'emails' ? 'email' : 'tel'}
                              autoComplete="off"
                              maxLength={field === 'emails' ? FIELD_LIMITS.email : 20}
                              value={value}
                              onInput={(e) =>
                                edit(
                                  name,
                                  update(i, {
                                    [field]: r[field].map((v, k) => (k === j ? e.currentTarget.value : v)),
                                  }),
                                )
                              }
                            />
                          )}
                        </Field>
                        <button
                          type="button"
                          class="link-button"
                          aria-label={dt('dir.removeItem', { what: label })}
                          onClick={() =>
                            restructure(
                              update(i, { [field]: r[field].filter((_, k) => k !== j) }),
                              `add-${field}-${r.key}`,
                            )
                          }
                        >
                          {dt('dir.remove')}
                        </button>
                      </div>
                    );
                  })}
                  {r[field].length < CONTACT_MAX[field] ? (
                    <button
                      type="button"
                      id={`add-${field}-${r.key}`}
                      onClick={() =>
                        restructure(
                          update(i, { [field]: [...r[field], ''] }),
                          `f-residents-${i}-${field}-${r[field].length}`,
                        )
                      }
                    >
                      {dt(CONTACT_ADD[field])}
                    </button>
                  ) : null}
                </div>
              ))}
              <p>
                <button
                  type="button"
                  class="danger"
                  onClick={() =>
                    restructure(
                      residents.filter((_, k) => k !== i),
                      'add-resident',
                    )
                  }
                >
                  {dt('dir.removeResident', { n: i + 1 })}
                </button>
              </p>
            </fieldset>
          ))}
          {residents.length < DIRECTORY_LIMITS.residentsPerUnit ? (
            <p>
              <button
                type="button"
                id="add-resident"
                onClick={() =>
                  restructure(
                    [
                      ...residents,
                      {
                        key: `r${drafted++}`,
                        name: '',
                        role: 'owner',
                        phones: [],
                        emails: [],
                        faxes: [],
                        language: 'zh-Hant',
                      },
                    ],
                    `f-residents-${residents.length}-name`,
                  )
                }
              >
                {dt('dir.addResident')}
              </button>
            </p>
          ) : null}
          {conflict ? (
            <div class="notice notice--error" role="alert" data-testid="edit-residents-conflict">
              <p>{dt('dir.conflict')}</p>
              <button type="button" onClick={onReload}>
                {dt('dir.reload')}
              </button>
            </div>
          ) : null}
          {notice === 'nothing' ? <Notice kind="info">{dt('dir.nothingChanged')}</Notice> : null}
          {notice && notice !== 'nothing' ? <Notice kind="error">{t(notice)}</Notice> : null}
          <button type="submit" class="primary" disabled={sending}>
            {sending ? dt('dir.saving') : dt('dir.save')}
          </button>
        </form>
      </details>
    </section>
  );
}
