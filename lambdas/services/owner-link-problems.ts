import { type ApiResult, json } from '#commons/http.ts';
import { type LinkProblem, OWNER_LINK_MESSAGES, PROBLEM_STATUS } from '#domain/owner-link.ts';

/** Why an owner's link cannot be answered, politely, in the owner's language (410, 409 or 404). */
export function problemAnswer(problem: LinkProblem, language?: string): ApiResult {
  const lang = language === 'en' || language === 'zh-Hans' ? language : 'zh-Hant';
  return json(PROBLEM_STATUS[problem], {
    status: problem,
    language: lang,
    message: OWNER_LINK_MESSAGES[problem][lang],
  });
}
