import { repeatOf } from '#domain/related-flags.ts';
import { categoryName, formatDate, t } from '../i18n.ts';
import { Link } from '../router.tsx';
import type { Complaint, RelatedFlags, RelatedLine } from './types.ts';

/**
 * A register unit's related complaints on the complaint page (the supervisor's review reads it
 * before deciding, issue 16 §4): the repeat and cluster flags, the unit's earlier complaints,
 * and the open ones of the category in its building and estate. Nothing about owners.
 */
export function RelatedComplaints({
  complaint,
  chosenCategory,
}: {
  complaint: Complaint;
  chosenCategory?: string;
}) {
  const related = complaint.related;
  if (!related) return null;
  // The supervisor is giving it a category (or another) in the review form: the repeat rule,
  // applied to that category now, before the decision is sent (it is applied for good then).
  const asChosen =
    chosenCategory && chosenCategory !== complaint.category
      ? repeatOf({ ...complaint, category: chosenCategory }, related.unitHistory, related.thresholds)
      : [];
  return (
    <section class="card" aria-labelledby="related-heading" data-testid="related">
      <h2 id="related-heading">{t('related.heading')}</h2>
      {asChosen.length ? (
        <p data-testid="repeat-as-chosen">
          <span class="badge badge--overdue">{t('related.repeatBadge')}</span>{' '}
          {t('related.asChosen', {
            category: categoryName(chosenCategory),
            repeat: t('related.repeat', {
              days: String(related.thresholds.repeatDays),
              refs: asChosen.join(', '),
            }),
          })}
        </p>
      ) : (
        <RelatedFlagLines flags={complaint.relatedFlags ?? related.flags} />
      )}
      <RelatedTable
        id="related-unit"
        title={t('related.unitHistory', { days: String(related.thresholds.historyDays) })}
        lines={related.unitHistory}
      />
      {complaint.category ? (
        <>
          <RelatedTable
            id="related-building"
            title={t('related.openInBuilding')}
            lines={related.openInBuilding}
          />
          <RelatedTable id="related-estate" title={t('related.openInEstate')} lines={related.openInEstate} />
        </>
      ) : (
        <p class="sub">{t('related.noCategory')}</p>
      )}
      {related.truncated ? <p class="sub">{t('related.truncated')}</p> : null}
    </section>
  );
}

/** The flags in words (the complaint page, Form 17). */
export function RelatedFlagLines({ flags }: { flags: RelatedFlags | undefined }) {
  if (!flags?.repeatOf?.length && !flags?.cluster) return null;
  return (
    <ul class="related-flags">
      {flags.repeatOf?.length ? (
        <li data-testid="repeat-flag">
          <span class="badge badge--overdue">{t('related.repeatBadge')}</span>{' '}
          {t('related.repeat', {
            days: String(flags.thresholds.repeatDays),
            refs: flags.repeatOf.join(', '),
          })}
        </li>
      ) : null}
      {flags.cluster ? (
        <li data-testid="cluster-flag">
          <span class="badge badge--overdue">{t('related.clusterBadge')}</span>{' '}
          {t('related.cluster', {
            units: String(flags.cluster.units),
            days: String(flags.thresholds.clusterDays),
            refs: flags.cluster.refs.join(', '),
          })}
        </li>
      ) : null}
    </ul>
  );
}

function RelatedTable({ id, title, lines }: { id: string; title: string; lines: readonly RelatedLine[] }) {
  return (
    <>
      <h3 id={`${id}-heading`}>{title}</h3>
      {lines.length === 0 ? (
        <p data-testid={`${id}-none`}>{t('related.none')}</p>
      ) : (
        <table class="table" data-testid={id} aria-labelledby={`${id}-heading`}>
          <thead>
            <tr>
              <th scope="col">{t('related.col.ref')}</th>
              <th scope="col">{t('related.col.received')}</th>
              <th scope="col">{t('related.col.unit')}</th>
              <th scope="col">{t('related.col.category')}</th>
              <th scope="col">{t('related.col.status')}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.ref}>
                <td>
                  <Link href={`/complaints/${encodeURIComponent(line.ref)}`}>{line.ref}</Link>
                </td>
                <td>{formatDate(line.receivedAt)}</td>
                <td>{`${line.building} ${line.unit}`}</td>
                <td>{line.category ? categoryName(line.category) : t('app.none')}</td>
                <td>{t(`status.${line.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
