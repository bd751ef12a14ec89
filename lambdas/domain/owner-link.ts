import type { Language } from './complaint.ts';
import { DECISION_SCHEMAS } from './decisions.ts';
import { lazily } from './lazy.ts';

/**
 * An owner's single-use link (emailed with the plan and with the satisfaction request): it
 * names the complaint and the step it answers, never the task token.
 */
export interface OwnerLink {
  readonly id: string;
  readonly ref: string;
  readonly step: OwnerStep;
  readonly expiresAt: string;
  readonly language: Language;
  readonly usedAt?: string;
}

export const OWNER_STEPS = ['ownerPlanResponse', 'satisfactionCallback'] as const;
export type OwnerStep = (typeof OWNER_STEPS)[number];

/** What an owner may send for each step: the staff form's fields, less the staff-only ones. */
export const OWNER_ANSWER_SCHEMAS = lazily(
  () =>
    ({
      ownerPlanResponse: DECISION_SCHEMAS.ownerPlanResponse,
      satisfactionCallback: DECISION_SCHEMAS.satisfactionCallback.omit({ via: true }),
    }) as const,
);

/**
 * Why a link cannot be answered: `used` (answered through it), `expired`, `closed` (the
 * question was answered another way, e.g. by phone, or the step has passed), `unknown`.
 */
export type LinkProblem = 'used' | 'expired' | 'closed' | 'unknown';

export function linkProblem(link: OwnerLink | undefined, now: Date): LinkProblem | undefined {
  if (!link) return 'unknown';
  if (link.usedAt) return 'used';
  if (Date.parse(link.expiresAt) <= now.getTime()) return 'expired';
  return undefined;
}

/** HTTP status of each problem: gone for a spent or expired link, conflict for a closed step. */
export const PROBLEM_STATUS: Record<LinkProblem, number> = {
  used: 410,
  expired: 410,
  closed: 409,
  unknown: 404,
};

/** Polite answers in the owner's language, for API clients; the owner page has its own copy. */
export const OWNER_LINK_MESSAGES: Record<LinkProblem | 'answered', Record<Language, string>> = {
  answered: {
    'zh-Hant': '多謝您的回覆，我們已經記錄，並會按此跟進。',
    'zh-Hans': '多谢您的回复，我们已经记录，并会按此跟进。',
    en: 'Thank you for your answer. We have recorded it and will follow up accordingly.',
  },
  used: {
    'zh-Hant': '您已經透過此連結回覆，多謝您。如需補充，請直接回覆我們的電郵。',
    'zh-Hans': '您已经通过此链接回复，多谢您。如需补充，请直接回复我们的电邮。',
    en: 'You have already answered through this link, thank you. To add anything, simply reply to our email.',
  },
  expired: {
    'zh-Hant': '此連結已過期。如您仍有意見，請回覆我們的電郵或致電管理處，我們樂意跟進。',
    'zh-Hans': '此链接已过期。如您仍有意见，请回复我们的电邮或致电管理处，我们乐意跟进。',
    en: 'This link has expired. If you still have something to tell us, please reply to our email or call the management office; we will gladly follow up.',
  },
  closed: {
    'zh-Hant': '這項查詢已經有回覆或已經完結，毋須再回覆。多謝您。',
    'zh-Hans': '这项查询已经有回复或已经完结，无须再回复。多谢您。',
    en: 'This question has already been answered or has closed, so there is nothing more to do here. Thank you.',
  },
  unknown: {
    'zh-Hant': '找不到此連結，請檢查連結是否完整，或回覆我們的電郵。',
    'zh-Hans': '找不到此链接，请检查链接是否完整，或回复我们的电邮。',
    en: 'We cannot find this link. Please check that it is complete, or reply to our email.',
  },
};
