/**
 * Folding text for matching, never for keeping: what staff and owners type is stored as typed
 * (lambdas/domain/text.ts: no Unicode normalisation), and only compared after this.
 *
 * - Width: full-width ASCII (０-９, Ａ-Ｚ, ／, ＃ …, typed by Chinese input methods) to ASCII,
 *   the ideographic space to a space. One UTF-16 unit for one, so positions in the folded text
 *   are positions in the original (the recogniser reports spans of what was written).
 * - Script: Traditional characters to their Simplified forms, for the characters addresses and
 *   Hong Kong names are written with (樓/楼, 號/号, 陳/陈 ...), so an owner typing 简体 finds a
 *   register kept in 繁體 and the other way round. A table of the characters that matter here,
 *   not a converter: OpenCC-style conversion of free text is not what matching needs, and each
 *   pair below is one character for one.
 */

/** Full-width ASCII and the ideographic space to ASCII, one unit for one. */
export function foldWidth(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000) out += ' ';
    else out += text[i];
  }
  return out;
}

/** Traditional → Simplified, pairs of one character each, as `繁简` strings. */
const TRADITIONAL_SIMPLIFIED = [
  // Addresses and units.
  '樓楼號号棟栋單单層层臺台灣湾區区閣阁軒轩園园廈厦館馆場场廣广東东西西門门龍龙嶺岭灣湾',
  '華华麗丽興兴寶宝鳳凤滙汇匯汇雲云禮礼萬万億亿錦锦濱滨樂乐榮荣頓顿賢贤豐丰莊庄綠绿灣湾',
  '邨村蘭兰葵葵灣湾滿满發发壽寿慶庆陽阳輝辉彎弯舖铺鋪铺號号庫库負负頂顶臺台層层幢幢瓏珑',
  '麗丽嶼屿島岛灘滩圍围塘塘務务處处會会業业團团聯联協协員员網网電电話话傳传郵邮寫写擁拥',
  '豪豪樂乐灣湾際际寧宁適适遠远應应盛盛達达鄉乡橋桥衛卫長长輕轻頭头涌涌鐵铁沙沙',
  // Common Hong Kong surnames.
  '陳陈黃黄張张劉刘鄭郑馮冯楊杨趙赵謝谢鍾钟吳吴葉叶許许鄧邓蕭萧馬马羅罗盧卢龐庞鄺邝',
  '關关譚谭賴赖韓韩蘇苏衛卫嚴严顧顾龔龚錢钱孫孙陸陆湯汤溫温簡简歐欧鄒邹嶽岳麥麦倫伦',
  '莊庄鄔邬駱骆聶聂魯鲁廬庐閻阎顏颜賈贾鄔邬覃覃銀银鮑鲍萬万鄭郑戴戴',
  // Characters common in given names.
  '偉伟強强華华傑杰儀仪穎颖詠咏靜静輝辉權权標标聰聪嬌娇瓊琼蓮莲燕燕慧慧嘉嘉豪豪鴻鸿',
  '國国寶宝麗丽玲玲鳳凤龍龙雞鸡銘铭濤涛瑩莹瑋玮禎祯賓宾鵬鹏飛飞傳传緯纬淵渊煒炜',
  '順顺權权壯壮婭娅嫻娴潔洁潤润澤泽藝艺憶忆懷怀樺桦橋桥穩稳韻韵頌颂願愿顯显鑫鑫',
  '軍军鋒锋銳锐鏗铿鎮镇貞贞賢贤進进運运遠远錦锦閔闵闖闯陞升雯雯霞霞靈灵韋韦頤颐',
  '麟麟黛黛齊齐龜龟蕙蕙薇薇藍蓝蘊蕴虹虹蝶蝶裕裕詩诗誠诚諾诺謙谦豔艳財财貴贵賽赛',
  '東东義义愛爱歡欢樂乐為为廣广紅红綺绮網网維维綿绵緣缘縵缦繡绣純纯紫紫絲丝細细',
].join('');

const TO_SIMPLIFIED: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  const chars = [...TRADITIONAL_SIMPLIFIED];
  for (let i = 0; i + 1 < chars.length; i += 2) {
    const [traditional, simplified] = [chars[i], chars[i + 1]];
    if (traditional && simplified && traditional !== simplified) map.set(traditional, simplified);
  }
  return map;
})();

/** Traditional characters of the table to Simplified; every other character as it is. */
export function foldScript(text: string): string {
  let out = '';
  for (const char of text) out += TO_SIMPLIFIED.get(char) ?? char;
  return out;
}

/**
 * Text as the register compares it: width and script folded, lower case, the separators people
 * put inside names and numbers (spaces, dots, dashes, brackets, commas, middle dots) removed
 * between CJK characters and kept as single spaces between words. `陳 大文` and `陈大文` fold
 * to the same; `Chan Tai-man` to `chan tai man`.
 */
export function foldForMatch(text: string): string {
  const folded = foldScript(foldWidth(text)).toLowerCase();
  return folded
    .replace(/[\s.,，、;:()（）[\]{}'"`‧·・\-–—_/\\|#]+/g, ' ')
    .replace(/(?<=\p{Script=Han}) (?=\p{Script=Han})/gu, '')
    .trim();
}
