/**
 * What a clerk would type from a faxed letter, found in the lines the OCR read: the owner's
 * name, phone, building, unit and the complaint's content, each with the engine's confidence
 * and the page region it came from. Labels in Traditional and Simplified Chinese and English
 * (業主姓名/业主姓名/Name, 電話/电话/Tel, 大廈/楼栋/Building, 單位/单元/Flat, 內容/内容/Details);
 * a phone number, a flat (12樓B室, 6栋1502室, Flat 12B) or a building name (…花園第三座,
 * …大廈) is also recognised without its label.
 */
import { MIN_FIELD_CONFIDENCE } from '#config/ocr.ts';

export interface PageRegion {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface OcrLine {
  readonly text: string;
  readonly confidence: number;
  readonly region: PageRegion;
}

export interface SuggestedField {
  readonly value: string;
  readonly confidence: number;
  /** The page (0-based, over all the complaint's pages) and where on it. */
  readonly page: number;
  readonly region: PageRegion;
}

export interface OcrSuggestion {
  readonly ownerName?: SuggestedField;
  readonly phone?: SuggestedField;
  readonly building?: SuggestedField;
  readonly unit?: SuggestedField;
  readonly content?: SuggestedField;
}

export const SUGGESTION_FIELDS = ['ownerName', 'phone', 'building', 'unit', 'content'] as const;
export type SuggestionField = (typeof SUGGESTION_FIELDS)[number];

// A label, then a colon (any width) or spaces; the value is the rest of the line.
const SEP = '\\s*[:：]?\\s*';
const LABELS: Record<SuggestionField, RegExp> = {
  ownerName: new RegExp(
    `^(?:業主|业主|住戶|住户|投訴人|投诉人)?(?:姓名|名稱|名称)${SEP}|^(?:owner'?s? )?name${SEP}`,
    'iu',
  ),
  phone: new RegExp(
    `^(?:聯絡|联络|聯繫|联系|联絡)?(?:電話|电话|電诂|电話|手機|手机)(?:號碼|号码)?${SEP}|^(?:tel|phone|mobile)\\.?${SEP}`,
    'iu',
  ),
  building: new RegExp(
    `^(?:大廈|大厦|樓宇|楼宇|樓棟|楼栋|屋苑|小區|小区|地址)${SEP}|^(?:building|estate)${SEP}`,
    'iu',
  ),
  unit: new RegExp(`^(?:單位|单位|單元|单元|房號|房号)${SEP}|^(?:flat|unit|room)${SEP}`, 'iu'),
  content: new RegExp(`^(?:投訴|投诉)?(?:內容|内容|事項|事项)${SEP}|^(?:details|complaint)${SEP}`, 'iu'),
};

/** Hong Kong 8 digits (optionally +852), mainland mobiles 1[3-9]x 11 digits and landlines 0xx(x) (optionally +86). */
const PHONE =
  /(?<!\d)(?:(?:\+\s*)?852[\s-]*)?[2-9]\d{3}[\s-]?\d{4}(?!\d)|(?<!\d)(?:(?:\+\s*)?86[\s-]*)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)|(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)/u;
const UNIT =
  /(?:\d+\s*[棟栋座]\s*)?\d+\s*[樓楼层層]\s*[A-Z\d]+\s*[室號号]?|\d+\s*[棟栋座]\s*\d{3,4}\s*[室號号]?|flat\s*\d+\s*[A-Z]/iu;
const BUILDING =
  /[\p{Script=Han}]{2,}(?:花園|花园|大廈|大厦|閣|阁|苑|邨|村|城|中心|廣場|广场|名苑|新村)(?:[第]?[一二三四五六七八九十\d]+[座期棟栋])?/u;
/** "I live at" before an estate's name in a sentence. */
const LIVES_AT = /^(?:我|本人|我們|我们)?(?:家)?(?:住在|住於|住于|居住在|位於|位于)/u;
// Lines that are the letter's frame, not its content.
const FRAME =
  /^(?:致|to)\s*[:：]|^(?:投訴信|投诉信|complaint)$|^此致|^敬啟|^敬启|^(?:業主|业主)\s*\S{1,4}$|^日期|^date/iu;

function field(line: OcrLine, page: number, value: string, confidence = line.confidence): SuggestedField {
  return { value: value.trim(), confidence: Number(confidence.toFixed(3)), page, region: line.region };
}

function cleanPhone(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/**
 * The suggestion from the pages' lines (each page's lines top to bottom). A field is taken
 * from its labelled line first, else from the first line that looks like one; lines read with
 * less than MIN_FIELD_CONFIDENCE are not used. The content is the labelled content's value
 * and the lines after it up to the letter's closing (此致), else every line that is not the
 * letter's frame or another field.
 */
export function suggestFields(pages: readonly (readonly OcrLine[])[]): OcrSuggestion {
  const found: Partial<Record<SuggestionField, SuggestedField>> = {};
  const used = new Set<OcrLine>();
  const all = pages.flatMap((lines, page) =>
    lines.filter((l) => l.confidence >= MIN_FIELD_CONFIDENCE).map((line) => ({ line, page })),
  );
  let contentStart = -1;
  all.forEach(({ line, page }, i) => {
    const text = line.text.normalize('NFKC').trim();
    for (const name of SUGGESTION_FIELDS) {
      const label = LABELS[name].exec(text);
      if (!label || found[name]) continue;
      const rest = text.slice(label[0].length).trim();
      used.add(line);
      if (name === 'content') {
        contentStart = i;
        if (rest) found.content = field(line, page, rest);
      } else if (name === 'phone') {
        const phone = PHONE.exec(rest);
        if (phone) found.phone = field(line, page, cleanPhone(phone[0]));
      } else if (rest) found[name] = field(line, page, rest);
      break;
    }
  });
  // Unlabelled: the first line with a phone number, a flat, a building.
  for (const { line, page } of all) {
    const text = line.text.normalize('NFKC');
    if (!found.phone) {
      const phone = PHONE.exec(text);
      if (phone) {
        found.phone = field(line, page, cleanPhone(phone[0]));
        used.add(line);
      }
    }
    if (!found.unit) {
      const unit = UNIT.exec(text);
      if (unit) {
        found.unit = field(line, page, unit[0].replace(/\s+/g, ''));
        used.add(line);
      }
    }
    if (!found.building) {
      const building = BUILDING.exec(text);
      if (building && !LABELS.content.test(text)) {
        found.building = field(line, page, building[0].replace(LIVES_AT, ''));
        used.add(line);
      }
    }
  }
  const contentLines =
    contentStart >= 0
      ? takeUntilClosing(all.slice(contentStart + 1))
      : all.filter(({ line }) => !used.has(line) && !FRAME.test(line.text.normalize('NFKC').trim()));
  const body = [
    ...(found.content ? [found.content.value] : []),
    ...contentLines.map(({ line }) => line.text.trim()),
  ];
  const first =
    found.content ?? (contentLines[0] ? field(contentLines[0].line, contentLines[0].page, '') : undefined);
  if (body.length && first) {
    const confidences = [
      ...(found.content ? [found.content.confidence] : []),
      ...contentLines.map(({ line }) => line.confidence),
    ];
    found.content = {
      ...first,
      value: body.join('\n'),
      confidence: Number(Math.min(...confidences).toFixed(3)),
    };
  }
  return found;
}

function takeUntilClosing<T extends { line: OcrLine }>(lines: T[]): T[] {
  const out: T[] = [];
  for (const entry of lines) {
    const text = entry.line.text.normalize('NFKC').trim();
    if (FRAME.test(text)) break;
    out.push(entry);
  }
  return out;
}
