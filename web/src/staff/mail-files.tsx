import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Notice } from '../components.tsx';
import { t, tOr } from '../i18n.ts';
import type { Mail, MailAttachment } from './types.ts';

/** `320 KB`, `2.4 MB`: a file's size as people read it. */
export function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return t('size.kb', { n: Math.max(1, Math.ceil(bytes / 1024)) });
  return t('size.mb', { n: (bytes / 1024 / 1024).toFixed(1) });
}

/**
 * The mail log's id of a received message, `<UTC day>.<SES message id>`: the day of its `at`
 * (as SES stamped it) and its SES message id. Undefined for mail we sent.
 */
export function mailLogId(mail: Pick<Mail, 'at' | 'sesMessageId'>): string | undefined {
  return mail.sesMessageId ? `${mail.at.slice(0, 10)}.${mail.sesMessageId}` : undefined;
}

/** Whether a file of received mail can be downloaded (stored, and no executable). */
export const downloadable = (file: MailAttachment) =>
  Boolean(file.key && !file.notStored && !file.executable);

/**
 * The attachments of one received message, an executable always with its warning. On a
 * complaint (`complaintRef`), each stored file has a download button (a short-lived link from
 * the API, then the browser downloads it), an executable is never offered, and a file intake
 * did not store says why. In the mail log (no complaint yet) nothing is stored to offer.
 * `only` picks which files to list (their positions stay those of the message).
 */
export function MailFiles({
  attachments,
  complaintRef,
  mail,
  only,
}: {
  attachments: readonly MailAttachment[];
  complaintRef?: string;
  mail?: Pick<Mail, 'at' | 'sesMessageId'>;
  only?: (file: MailAttachment) => boolean;
}) {
  const [failed, setFailed] = useState<string | undefined>();
  const mailId = mail ? mailLogId(mail) : undefined;
  const files = attachments.map((file, index) => ({ file, index })).filter(({ file }) => !only || only(file));

  const download = async (index: number, name: string) => {
    if (!complaintRef || !mailId) return;
    setFailed(undefined);
    try {
      const answer = await api<{ url: string }>(
        'GET',
        `/api/complaints/${encodeURIComponent(complaintRef)}/mail/${encodeURIComponent(mailId)}/attachments/${index}`,
      );
      location.assign(answer.url);
    } catch {
      setFailed(name);
    }
  };

  return (
    <>
      <ul class="attachments mail-files" data-testid="mail-files">
        {files.map(({ file, index }) => (
          <li key={index} data-file={file.filename}>
            <span class="file-name">{file.filename}</span> <span class="sub">{formatSize(file.size)}</span>{' '}
            {file.executable ? (
              <strong class="warning" data-testid="executable">
                {t('mailFiles.executable')}
              </strong>
            ) : !complaintRef ? null : !downloadable(file) ? (
              <span class="sub">
                {tOr(`mailFiles.notStored.${file.notStored ?? ''}`, t('mailFiles.notStored'))}
              </span>
            ) : mailId ? (
              <button
                type="button"
                class="link-button"
                aria-label={t('mailFiles.download', { name: file.filename })}
                onClick={() => void download(index, file.filename)}
              >
                {t('attach.download')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {failed ? <Notice kind="error">{t('mailFiles.failed', { name: failed })}</Notice> : null}
    </>
  );
}
