import { OWNER_MESSAGE_LIMITS } from './fields.ts';
import { refInSubject } from './mail/subject-ref.ts';

/**
 * The subject of an email staff write to the owner: the API makes sure it carries our
 * reference, and the web app prefills it from the owner's last email. Pure and small, for the
 * web bundle too.
 */

/** The subject when staff leave it empty (the owner reads both languages, as in every email we send). */
export const DEFAULT_OWNER_MESSAGE_SUBJECT = '有關您的投訴 About your complaint';

/** A reply prefix mail clients write (English, Chinese, German, Nordic), with either colon. */
const REPLY_PREFIX = /^\s*(re|aw|sv|回覆|回复|答覆|答复)\s*[:：]/i;

/**
 * The subject of an answer to the owner's email: `Re: <their subject>`, once (their subject may
 * already be a reply to ours), cut to the length staff may send.
 */
export function replySubject(ownerSubject: string): string {
  const subject = ownerSubject.replace(/\s+/g, ' ').trim();
  if (!subject) return '';
  const reply = REPLY_PREFIX.test(subject) ? subject : `Re: ${subject}`;
  return [...reply].slice(0, OWNER_MESSAGE_LIMITS.subject).join('');
}

/**
 * The subject as sent: `[ref]` first unless it is the first reference in it already, so a reply
 * threads back by its subject (email intake reads the first `[ref]`) even when the owner's mail
 * client drops In-Reply-To.
 */
export function subjectWithRef(ref: string, subject: string): string {
  const typed = subject.replace(/\s+/g, ' ').trim() || DEFAULT_OWNER_MESSAGE_SUBJECT;
  return refInSubject(typed) === ref ? typed : `[${ref}] ${typed}`;
}
