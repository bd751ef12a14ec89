import { contactPk, contactSk, termPk, termSk } from './keys.ts';
import { type AddressStyle, contactsOf, type Resident, type Unit } from './register.ts';
import { searchTermsOf } from './search.ts';

/**
 * The pointer items a unit has in the register (lambdas/domain/directory/keys.ts): its search
 * terms and its residents' contacts. Derived from the unit alone, so the writer (and the seed)
 * computes what to put and what to remove by comparing a unit before and after.
 */
export interface PointerKey {
  readonly PK: string;
  readonly SK: string;
}
export type Pointer = PointerKey & Record<string, unknown>;

/** The search-term and contact items a unit should have. */
export function pointersOf(unit: Unit, country: AddressStyle): Pointer[] {
  const residents = new Map(unit.residents.map((r) => [r.id, r]));
  const terms = searchTermsOf(unit).map((term) => ({
    PK: termPk(unit.area, term.term),
    SK: termSk(term.term, unit.id, term.residentId),
    type: 'directory-term',
    unitId: unit.id,
    estateId: unit.estateId,
  }));
  const contacts = contactsOf(unit, country).map((contact) => {
    const resident = residents.get(contact.residentId) as Resident;
    return {
      PK: contactPk(contact.kind, contact.value),
      SK: contactSk(unit.id, contact.residentId),
      type: 'directory-contact',
      unitId: unit.id,
      residentId: contact.residentId,
      estateId: unit.estateId,
      area: unit.area,
      role: resident.role,
      language: resident.language,
    };
  });
  return [...terms, ...contacts];
}

const keyOf = (p: PointerKey) => `${p.PK}\u0000${p.SK}`;

/** Pointers in `a` whose key is not in `b`. */
export function pointersMissingFrom(a: readonly Pointer[], b: readonly Pointer[]): Pointer[] {
  const keys = new Set(b.map(keyOf));
  return a.filter((p) => !keys.has(keyOf(p)));
}
