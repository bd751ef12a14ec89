import { areaById } from '#config/areas.ts';
import { CATEGORIES, DEPARTMENTS } from '#config/catalogue.ts';
import { PAUSE_REASON_NAMES } from '#config/procedure-names.ts';
import { ROLE_NAMES } from '#config/roles.ts';
import { STEPS, type StepId } from '#config/workflow.ts';
import type { ComplaintRecord } from './complaint.ts';
import { escapeHtml } from './mime.ts';
import { DEFAULT_OWNER_MESSAGE_SUBJECT, subjectWithRef } from './owner-subject.ts';

/**
 * The texts of every automatic email, bilingual: 繁體中文 (or 简体中文 when the owner chose it)
 * first, then English. The reference number is in every subject as `[ref]`, so a reply
 * threads back to the complaint.
 */
export interface MailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export type OwnerMailKind =
  | 'acknowledgement'
  | 'plan'
  | 'satisfaction-request'
  | 'closing'
  | 'pause'
  | 'progress';

const TIME_ZONE = 'Asia/Hong_Kong';

// Built once, on first use: an Intl.DateTimeFormat costs far more to construct than to use,
// and the first one loads ICU's locale data, which a handler that writes no date never needs.
let zhDateTime: Intl.DateTimeFormat | undefined;
let enDateTime: Intl.DateTimeFormat | undefined;
const zhFormat = () =>
  (zhDateTime ??= new Intl.DateTimeFormat('zh-Hant-HK', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }));
const enFormat = () =>
  (enDateTime ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }));

export function formatZh(at: string | Date): string {
  const parts = zhFormat().formatToParts(new Date(at));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}年${part('month')}月${part('day')}日 ${part('hour')}:${part('minute')}`;
}

export function formatEn(at: string | Date): string {
  return `${enFormat().format(new Date(at))} (HKT)`;
}

/** Traditional → Simplified for the few characters our templates use (owners who chose 简体). */
const SIMPLIFIED: Record<string, string> = {
  親: '亲',
  愛: '爱',
  業: '业',
  們: '们',
  訴: '诉',
  參: '参',
  編: '编',
  號: '号',
  為: '为',
  處: '处',
  對: '对',
  帶: '带',
  來: '来',
  請: '请',
  諒: '谅',
  覆: '复',
  郵: '邮',
  題: '题',
  這: '这',
  時: '时',
  間: '间',
  見: '见',
  將: '将',
  計: '计',
  劃: '划',
  門: '门',
  負: '负',
  責: '责',
  連: '连',
  結: '结',
  會: '会',
  視: '视',
  滿: '满',
  維: '维',
  護: '护',
  謝: '谢',
  與: '与',
  聯: '联',
  絡: '络',
  經: '经',
  檔: '档',
  務: '务',
  關: '关',
  於: '于',
  過: '过',
  後: '后',
  無: '无',
  應: '应',
  問: '问',
  還: '还',
  體: '体',
  內: '内',
  點: '点',
  擊: '击',
  條: '条',
  據: '据',
  錄: '录',
  註: '注',
  記: '记',
  給: '给',
  選: '选',
  擇: '择',
  歡: '欢',
  現: '现',
  狀: '状',
  況: '况',
  並: '并',
  開: '开',
  預: '预',
  電: '电',
  話: '话',
  進: '进',
  報: '报',
  繼: '继',
  續: '续',
  暫: '暂',
  復: '复',
};

function toSimplified(text: string): string {
  return [...text].map((c) => SIMPLIFIED[c] ?? c).join('');
}

interface Section {
  readonly zh: string[];
  readonly en: string[];
  readonly link?: { url: string; zh: string; en: string };
}

function render(
  subjectZh: string,
  subjectEn: string,
  ref: string,
  section: Section,
  simplified: boolean,
): MailContent {
  const zh = simplified ? section.zh.map(toSimplified) : section.zh;
  const linkZh = section.link ? (simplified ? toSimplified(section.link.zh) : section.link.zh) : '';
  const subject = `[${ref}] ${simplified ? toSimplified(subjectZh) : subjectZh} ${subjectEn}`;
  const text = [
    ...zh,
    ...(section.link ? ['', `${linkZh}: ${section.link.url}`] : []),
    '',
    '────────────',
    '',
    ...section.en,
    ...(section.link ? ['', `${section.link.en}: ${section.link.url}`] : []),
    '',
  ].join('\n');
  const paragraphs = (lines: string[]) => lines.map((l) => (l ? `<p>${escapeHtml(l)}</p>` : '')).join('\n');
  const button = (label: string) =>
    section.link
      ? `<p><a href="${escapeHtml(section.link.url)}" style="display:inline-block;padding:8px 16px;background:#1f5f8b;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(label)}</a></p>`
      : '';
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:'Noto Sans CJK TC','Microsoft JhengHei',Arial,sans-serif;color:#1d2733;max-width:640px">
<div lang="${simplified ? 'zh-Hans' : 'zh-Hant'}">${paragraphs(zh)}${button(linkZh)}</div>
<hr style="border:none;border-top:1px solid #ccd">
<div lang="en">${paragraphs(section.en)}${button(section.link?.en ?? '')}</div>
</body></html>`;
  return { subject, text, html };
}

const nameOf = (list: readonly { id: string; en: string; zhHant: string }[], id: string | undefined) =>
  list.find((item) => item.id === id) ?? { id: id ?? '', en: id ?? '', zhHant: id ?? '' };

export interface OwnerMailInput {
  readonly kind: OwnerMailKind;
  readonly record: ComplaintRecord;
  /** The owner's single-use link for the plan or satisfaction answer. */
  readonly linkUrl?: string;
  /** When the owner's window to answer closes. */
  readonly answerBy?: string;
}

export function ownerMail({ kind, record, linkUrl, answerBy }: OwnerMailInput): MailContent {
  const simplified = record.owner.language === 'zh-Hans';
  const zhName = `親愛的${record.owner.name}業主：`;
  const enName = `Dear ${record.owner.name},`;
  const ref = record.ref;
  const footerZh = `回覆此電郵時，請保留主旨中的參考編號 [${ref}]。`;
  const footerEn = `When you reply, please keep the reference [${ref}] in the subject.`;
  switch (kind) {
    case 'acknowledgement':
      return render(
        '已收到您的投訴',
        'We have received your complaint',
        ref,
        {
          zh: [
            zhName,
            '',
            `我們已於${formatZh(record.receivedAt)}收到您的投訴，參考編號為 ${ref}。`,
            '我們正安排有關部門跟進處理，並為事件對您帶來的不便致歉，敬請見諒。',
            footerZh,
          ],
          en: [
            enName,
            '',
            `We received your complaint on ${formatEn(record.receivedAt)}. Its reference number is ${ref}.`,
            'We are arranging for it to be handled, and we apologise for the inconvenience. Thank you for your understanding.',
            footerEn,
          ],
        },
        simplified,
      );
    case 'plan': {
      const department = nameOf(DEPARTMENTS, record.department);
      const completion = record.commitment?.plannedCompletion ?? '';
      return render(
        '處理方案及預計完成時間',
        'How we will handle your complaint',
        ref,
        {
          zh: [
            zhName,
            '',
            `主任的處理意見：${record.supervisorReview?.opinion ?? ''}`,
            `負責部門：${department.zhHant}`,
            `預計開始：${record.commitment ? formatZh(record.commitment.plannedStart) : ''}`,
            `預計完成：${completion ? formatZh(completion) : ''}`,
            answerBy
              ? `如您對處理方案有意見，請於${formatZh(answerBy)}前按下方連結回覆；如無意見，我們將按方案處理。`
              : '',
            footerZh,
          ],
          en: [
            enName,
            '',
            `The supervisor's handling opinion: ${record.supervisorReview?.opinion ?? ''}`,
            `Responsible department: ${department.en}`,
            `Planned start: ${record.commitment ? formatEn(record.commitment.plannedStart) : ''}`,
            `Planned completion: ${completion ? formatEn(completion) : ''}`,
            answerBy
              ? `If you have any concerns about this plan, please tell us by ${formatEn(answerBy)} using the link below; otherwise we will go ahead.`
              : '',
            footerEn,
          ],
          ...(linkUrl ? { link: { url: linkUrl, zh: '回覆處理方案', en: 'Reply to the plan' } } : {}),
        },
        simplified,
      );
    }
    case 'satisfaction-request':
      return render(
        '工作已完成，請評價我們的處理',
        'The work is done: how did we do?',
        ref,
        {
          zh: [
            zhName,
            '',
            `有關投訴 ${ref} 的工作已經完成。`,
            '請告訴我們您對處理過程及結果的意見：滿意、基本滿意或不滿意。',
            answerBy ? `請於${formatZh(answerBy)}前回覆。` : '',
            footerZh,
          ],
          en: [
            enName,
            '',
            `The work on complaint ${ref} is done.`,
            'Please tell us what you think of how it was handled and of the result: satisfied, basically satisfied or dissatisfied.',
            answerBy ? `Please answer by ${formatEn(answerBy)}.` : '',
            footerEn,
          ],
          ...(linkUrl ? { link: { url: linkUrl, zh: '評價處理結果', en: 'Rate the handling' } } : {}),
        },
        simplified,
      );
    case 'pause': {
      const pause = record.pause;
      const reason = PAUSE_REASON_NAMES[pause?.reason ?? 'other'];
      const zhUntil = pause?.until
        ? `預計於 ${formatZh(pause.until)} 恢復跟進。`
        : `待以下事項完成後恢復跟進：${pause?.note ?? ''}`;
      const enUntil = pause?.until
        ? `We expect to resume on ${formatEn(pause.until)}.`
        : `We will resume once this is done: ${pause?.note ?? ''}`;
      return render(
        '投訴跟進暫停通知',
        'The work on your complaint is on hold',
        ref,
        {
          zh: [
            zhName,
            '',
            `您的投訴（參考編號 ${ref}）的跟進工作需要暫停，原因：${simplified ? reason.zhHans : reason.zhHant}${pause?.note && pause.until ? `（${pause.note}）` : ''}。`,
            zhUntil,
            '暫停期間的時間不計入處理期限；恢復後我們會繼續跟進，並會再通知您。',
            footerZh,
          ],
          en: [
            enName,
            '',
            `The work on your complaint (reference ${ref}) is on hold: ${reason.en.toLowerCase()}${pause?.note && pause.until ? ` (${pause.note})` : ''}.`,
            enUntil,
            'The time on hold does not count against our deadline; we will carry on when it ends and let you know.',
            footerEn,
          ],
        },
        simplified,
      );
    }
    case 'progress': {
      // What the department last reported (domain/progress.ts): its line for this notice, or an
      // older one when it gave none in time.
      const update = record.progress?.updates.at(-1);
      const completion = record.commitment?.plannedCompletion;
      return render(
        '投訴跟進進度',
        'Progress on your complaint',
        ref,
        {
          zh: [
            zhName,
            '',
            `您的投訴（參考編號 ${ref}）的工作仍在進行中。`,
            update
              ? `負責部門最新報告（${formatZh(update.at)}）：${update.text}`
              : '負責部門正在跟進，暫未有新的進度報告。',
            completion ? `預計完成：${formatZh(completion)}` : '',
            '我們會繼續跟進，並在工作完成後通知您。',
            footerZh,
          ],
          en: [
            enName,
            '',
            `The work on your complaint (reference ${ref}) is still in progress.`,
            update
              ? `The responsible department last reported (${formatEn(update.at)}): ${update.text}`
              : 'The responsible department is working on it and has no new progress to report yet.',
            completion ? `Planned completion: ${formatEn(completion)}` : '',
            'We will carry on and let you know when the work is done.',
            footerEn,
          ],
        },
        simplified,
      );
    }
    case 'closing': {
      const ending = record.ending;
      if (ending?.kind === 'withdrawn') {
        return render(
          '投訴已撤回',
          'Your complaint is withdrawn',
          ref,
          {
            zh: [
              zhName,
              '',
              `按您的意願，您的投訴（參考編號 ${ref}）已撤回，我們不會再跟進，紀錄會按程序存檔。`,
              '如日後需要協助，歡迎再與管理處聯絡。',
            ],
            en: [
              enName,
              '',
              `As you asked, your complaint (reference ${ref}) is withdrawn: we will not follow it up further, and its record is filed as our procedure requires.`,
              'If you need our help later, please contact the management office again.',
            ],
          },
          simplified,
        );
      }
      if (ending?.kind === 'referred') {
        return render(
          '投訴已轉介',
          'Your complaint has been referred',
          ref,
          {
            zh: [
              zhName,
              '',
              `經主任審閱，您的投訴（參考編號 ${ref}）不屬本公司處理範圍，已轉介：${ending.to}`,
              `原因：${ending.reason}`,
              '如有疑問，歡迎與管理處聯絡。',
            ],
            en: [
              enName,
              '',
              `The supervisor has reviewed your complaint (reference ${ref}). It is not a matter our company can handle, and it has been referred to: ${ending.to}`,
              `Reason: ${ending.reason}`,
              'If you have any questions, please contact the management office.',
            ],
          },
          simplified,
        );
      }
      if (record.outcome === 'rejected') {
        return render(
          '投訴處理結果',
          'About your complaint',
          ref,
          {
            zh: [
              zhName,
              '',
              `經主任審閱，您的來函（參考編號 ${ref}）不屬於投訴處理範圍，原因如下：`,
              record.rejection?.reason ?? '',
              '如有疑問，歡迎與管理處聯絡。',
            ],
            en: [
              enName,
              '',
              `The supervisor has reviewed your message (reference ${ref}) and it will not be handled as a complaint, for this reason:`,
              record.rejection?.reason ?? '',
              'If you have any questions, please contact the management office.',
            ],
          },
          simplified,
        );
      }
      return render(
        '投訴已完成處理',
        'Your complaint is closed',
        ref,
        {
          zh: [
            zhName,
            '',
            `您的投訴（參考編號 ${ref}）已完成處理並結案。多謝您的寶貴意見，協助我們改善服務。`,
          ],
          en: [
            enName,
            '',
            `Your complaint (reference ${ref}) has been handled and is now closed. Thank you for helping us improve our service.`,
          ],
        },
        simplified,
      );
    }
  }
}

/** The numbered work order to the responsible department (procedure step 4). */
export function workOrderMail(
  record: ComplaintRecord,
  workOrderNumber: string,
  taskUrl: string,
): MailContent {
  const department = nameOf(DEPARTMENTS, record.department);
  const category = nameOf(CATEGORIES, record.category);
  const place = [record.building, record.unit].filter(Boolean).join(' ');
  return render(
    `工作通知單 ${workOrderNumber}`,
    `Work order ${workOrderNumber}`,
    record.ref,
    {
      zh: [
        `致${department.zhHant}：`,
        '',
        `投訴參考編號：${record.ref}　類別：${category.zhHant}　地點：${place || '—'}`,
        `投訴內容：${record.content}`,
        `主任處理意見：${record.supervisorReview?.opinion ?? ''}`,
        '請於系統內承諾處理開始及完成時間。',
      ],
      en: [
        `To ${department.en}:`,
        '',
        `Complaint ${record.ref}, category ${category.en}, location ${place || '—'}.`,
        `Complaint: ${record.content}`,
        `Supervisor's handling opinion: ${record.supervisorReview?.opinion ?? ''}`,
        'Please commit a start and a completion time in the system.',
      ],
      link: { url: taskUrl, zh: '承諾處理時間', en: 'Commit the dates' },
    },
    false,
  );
}

/** Tells staff a task is theirs, with its deadline (also the manager's reminders). */
export function taskMail(input: {
  ref: string;
  step: StepId;
  dueAt: string;
  taskUrl: string;
  reminder: boolean;
}): MailContent {
  const spec = STEPS[input.step];
  const role = ROLE_NAMES[spec.role];
  const prefixZh = input.reminder ? '提醒：' : '新任務：';
  const prefixEn = input.reminder ? 'Reminder:' : 'New task:';
  return render(
    `${prefixZh}${spec.name.zhHant}`,
    `${prefixEn} ${spec.name.en}`,
    input.ref,
    {
      zh: [
        `${role.zhHant}：`,
        '',
        `投訴 ${input.ref}：${spec.name.zhHant}。`,
        `限期：${formatZh(input.dueAt)}${spec.lateGoesTo ? '（逾期將自動上報）' : ''}。`,
      ],
      en: [
        `${role.en}:`,
        '',
        `Complaint ${input.ref}: ${spec.name.en}.`,
        `Due: ${formatEn(input.dueAt)}${spec.lateGoesTo ? ' (if it is late, it escalates automatically)' : ''}.`,
      ],
      link: { url: input.taskUrl, zh: '打開任務', en: 'Open the task' },
    },
    false,
  );
}

/**
 * To the area's supervisor: the department gave no progress update before the owner's notice
 * went (domain/progress.ts), which then said what it reported last.
 */
export function progressMissingMail(input: {
  readonly ref: string;
  readonly department: string | undefined;
  readonly complaintUrl: string;
}): MailContent {
  const department = nameOf(DEPARTMENTS, input.department);
  return render(
    '部門未有提供進度更新',
    'No progress update from the department',
    input.ref,
    {
      zh: [
        `${ROLE_NAMES.supervisor.zhHant}：`,
        '',
        `投訴 ${input.ref} 的負責部門（${department.zhHant}）未有在限期前提供進度更新。`,
        '業主的進度通知已按部門上次的報告發出；請跟進工程進度。',
      ],
      en: [
        `${ROLE_NAMES.supervisor.en}:`,
        '',
        `The department responsible for complaint ${input.ref} (${department.en}) gave no progress update in time.`,
        "The owner's progress notice went with what it reported last; please follow the work up.",
      ],
      link: { url: input.complaintUrl, zh: '打開投訴', en: 'Open the complaint' },
    },
    false,
  );
}

/**
 * An email staff write to the owner from the complaint page: their words once, as written (in
 * whichever language they wrote them), inside the bilingual frame of every email we send — the
 * greeting, the area's management office as the sender, and the reference with how to keep it
 * when replying, 繁體中文 (简体中文 for an owner who chose it) and English. The subject is the
 * one staff gave, with our `[ref]` in front when it lacks one (domain/owner-subject.ts).
 */
export function ownerMessageMail(input: {
  readonly record: Pick<ComplaintRecord, 'ref' | 'area' | 'owner'>;
  readonly subject: string;
  /** What staff wrote. */
  readonly text: string;
}): MailContent {
  const { record } = input;
  const simplified = record.owner.language === 'zh-Hans';
  const zh = (text: string) => (simplified ? toSimplified(text) : text);
  const area = areaById(record.area);
  const areaZh = area ? (simplified ? area.name.zhHans : area.name.zhHant) : record.area;
  const ref = record.ref;
  // Only our own words are put in simplified characters: never the owner's name or staff's text.
  const greeting = {
    zh: `${zh('親愛的')}${record.owner.name}${zh('業主：')}`,
    en: `Dear ${record.owner.name},`,
  };
  const office = {
    zh: `${areaZh}${zh('管理處')}`,
    en: `${area?.name.en ?? record.area} Management Office`,
  };
  const reference = {
    zh: zh(`投訴參考編號：${ref}。回覆此電郵時，請保留主旨中的參考編號 [${ref}]。`),
    en: `Complaint reference: ${ref}. When you reply, please keep the reference [${ref}] in the subject.`,
  };
  // No subject given: the default, in the owner's characters too.
  const subject = subjectWithRef(ref, input.subject.trim() || zh(DEFAULT_OWNER_MESSAGE_SUBJECT));
  const text = [
    greeting.zh,
    greeting.en,
    '',
    input.text,
    '',
    office.zh,
    office.en,
    '',
    '────────────',
    reference.zh,
    reference.en,
    '',
  ].join('\n');
  const zhLang = simplified ? 'zh-Hans' : 'zh-Hant';
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:'Noto Sans CJK TC','Microsoft JhengHei',Arial,sans-serif;color:#1d2733;max-width:640px">
<p lang="${zhLang}">${escapeHtml(greeting.zh)}</p>
<p lang="en">${escapeHtml(greeting.en)}</p>
<div style="white-space:pre-wrap">${escapeHtml(input.text)}</div>
<p><span lang="${zhLang}">${escapeHtml(office.zh)}</span><br><span lang="en">${escapeHtml(office.en)}</span></p>
<hr style="border:none;border-top:1px solid #ccd">
<p lang="${zhLang}" style="color:#556">${escapeHtml(reference.zh)}</p>
<p lang="en" style="color:#556">${escapeHtml(reference.en)}</p>
</body></html>`;
  return { subject, text, html };
}
