/**
 * Who sees which staff pages, as the API allows them (the API decides; the app only hides
 * what would be refused).
 */

/**
 * The mail log (*Mail*): reception and supervisors of their area, customer service of every
 * area (lambdas/domain/mail/review.ts MAIL_REVIEW_ROLES; a unit test holds the two together).
 */
export const MAY_REVIEW_MAIL: readonly string[] = ['reception', 'supervisor', 'customer-service'];

/** Head-office roles, who see and act for every area (config/workflow.ts COMPANY_WIDE_ROLES). */
export const COMPANY_WIDE: readonly string[] = ['customer-service', 'manager'];
