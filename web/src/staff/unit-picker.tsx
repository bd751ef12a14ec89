import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { lang, t } from '../i18n.ts';

/**
 * New complaint's estate → building → unit pickers: the area's estates and their buildings from
 * `GET /api/directory/estates`, then the units as reception types (type-ahead on
 * `GET /api/directory/units?q=`, within the estate and building chosen). Picking a unit hands
 * it, with its residents, to the form, which fills the owner's contacts from it.
 */

export interface PickedResident {
  readonly name: string;
  readonly role: string;
  readonly phones: readonly string[];
  readonly emails: readonly string[];
  readonly language: string;
}

export interface PickedUnit {
  readonly id: string;
  readonly estate: string;
  readonly building: string;
  readonly unit: string;
  readonly area: string;
  readonly residents: readonly PickedResident[];
}

interface EstateOption {
  readonly id: string;
  readonly name: string;
  readonly buildings: readonly { code: string; name: string }[];
}

/** How long typing pauses before the units are looked up. */
const TYPE_AHEAD_MS = 250;
const SHOWN = 8;

export function UnitPicker({
  area,
  picked,
  onPick,
}: {
  area: string;
  picked: PickedUnit | undefined;
  onPick: (unit: PickedUnit | undefined) => void;
}) {
  const [estates, setEstates] = useState<EstateOption[] | undefined>();
  const [estate, setEstate] = useState('');
  const [building, setBuilding] = useState('');
  const [query, setQuery] = useState('');
  const [units, setUnits] = useState<PickedUnit[]>([]);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    setEstates(undefined);
    setEstate('');
    setBuilding('');
    api<{ items: EstateOption[] }>(
      'GET',
      `/api/directory/estates?area=${encodeURIComponent(area)}&lang=${lang()}`,
    )
      .then((answer) => setEstates(answer.items))
      .catch(() => setEstates([]));
  }, [area]);

  useEffect(() => {
    const q = query.trim();
    // Nothing to look up until an estate is chosen or two characters are typed.
    if (!estate && [...q].length < 2) {
      setUnits([]);
      return;
    }
    const params = new URLSearchParams({ area, lang: lang(), limit: String(SHOWN) });
    if (q) params.set('q', q);
    if (estate) params.set('estate', estate);
    if (estate && building) params.set('building', building);
    let current = true;
    const timer = setTimeout(() => {
      api<{ items: PickedUnit[] }>('GET', `/api/directory/units?${params}`)
        .then((answer) => {
          if (current) {
            setUnits(answer.items);
            setFailed(false);
          }
        })
        .catch(() => {
          if (current) {
            setUnits([]);
            setFailed(true);
          }
        });
    }, TYPE_AHEAD_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [area, estate, building, query]);

  if (picked) {
    return (
      <div class="unit-picked" data-testid="unit-picked">
        <p>
          {t('unit.picked')} <strong>{`${picked.estate} ${picked.building} ${picked.unit}`}</strong>{' '}
          <button type="button" class="link-button" onClick={() => onPick(undefined)}>
            {t('unit.change')}
          </button>
        </p>
      </div>
    );
  }
  const chosen = estates?.find((e) => e.id === estate);
  return (
    <div class="unit-picker" data-testid="unit-picker">
      <div class="row">
        <label>
          {t('unit.estate')}
          <select
            name="estate"
            value={estate}
            onChange={(event) => {
              setEstate((event.currentTarget as HTMLSelectElement).value);
              setBuilding('');
            }}
          >
            <option value="">{estates?.length === 0 ? t('unit.noEstates') : t('unit.anyEstate')}</option>
            {(estates ?? []).map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('unit.building')}
          <select
            name="building"
            value={building}
            disabled={!chosen}
            onChange={(event) => setBuilding((event.currentTarget as HTMLSelectElement).value)}
          >
            <option value="">{t('unit.anyBuilding')}</option>
            {(chosen?.buildings ?? []).map((b) => (
              <option key={b.code} value={b.code}>
                {b.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('unit.search')}
          <input
            type="search"
            name="unit-search"
            autocomplete="off"
            aria-controls="unit-options"
            placeholder={t('unit.searchHint')}
            value={query}
            onInput={(event) => setQuery((event.currentTarget as HTMLInputElement).value)}
          />
        </label>
      </div>
      {failed ? <p class="error">{t('unit.failed')}</p> : null}
      {units.length ? (
        <ul id="unit-options" class="unit-options" aria-label={t('unit.options')}>
          {units.map((unit) => {
            const owner = unit.residents.find((r) => r.role === 'owner') ?? unit.residents[0];
            return (
              <li key={unit.id}>
                <button type="button" class="link-button" onClick={() => onPick(unit)}>
                  {`${unit.estate} ${unit.building} ${unit.unit}`}
                  {owner ? <span class="sub">{` · ${owner.name}`}</span> : null}
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
