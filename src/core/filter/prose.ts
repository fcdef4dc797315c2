/**
 * Prose (Markdown, plain text, comments): names of people, places and products that a suggestion
 * adds without the text ever mentioning them. No model: in English a capitalised word in the middle
 * of a sentence is a name (at a sentence start, one that is not an ordinary word); in Chinese, known
 * place names, words ending in a place suffix (…州, …市, …省, …县), titles (…先生, …女士) and 《…》.
 * A name is known when the document (or the workspace, in comments) already has it. Code-like words
 * (camelCase, snake_case, calls) must be known names too.
 */
import { builtins } from './builtins';
import { isEnglishWordShape } from './englishWord';

export interface ProseCheck {
  unknown: string[];
  /** Offset in the suggestion where the first sentence with an unknown name starts; -1 when none. */
  cutAt: number;
}

/** Major places that Chinese text names without a suffix (a small gazetteer, not exhaustive). */
const CJK_PLACES =
  '北京 上海 天津 重庆 广州 深圳 杭州 南京 苏州 成都 武汉 西安 长沙 郑州 青岛 大连 厦门 福州 沈阳 哈尔滨 长春 济南 合肥 南昌 昆明 贵阳 南宁 海口 三亚 拉萨 兰州 西宁 银川 乌鲁木齐 呼和浩特 石家庄 太原 宁波 无锡 温州 珠海 东莞 佛山 桂林 丽江 大理 香港 澳门 台北 高雄 ' +
  '广东 广西 浙江 江苏 山东 山西 河南 河北 湖南 湖北 四川 云南 贵州 福建 江西 安徽 陕西 甘肃 青海 辽宁 吉林 黑龙江 内蒙古 新疆 西藏 宁夏 海南 台湾 ' +
  '中国 日本 韩国 朝鲜 美国 英国 法国 德国 意大利 西班牙 葡萄牙 俄罗斯 加拿大 澳大利亚 新西兰 印度 泰国 越南 新加坡 马来西亚 印度尼西亚 菲律宾 巴西 墨西哥 埃及 瑞士 瑞典 荷兰 比利时 希腊 土耳其 ' +
  '东京 大阪 京都 首尔 纽约 伦敦 巴黎 柏林 罗马 莫斯科 悉尼 曼谷 洛杉矶 旧金山 芝加哥 温哥华 多伦多';
const CJK_PLACE_SET = new Set(CJK_PLACES.split(' '));
/** Words ending in a place suffix that are not places. */
const NOT_PLACES = new Set('城市 超市 都市 夜市 股市 上市 门市 市场 节省 反省 省钱 省心 各省 全省 本市 全市 该市 各州 本州 全县 该县 县城'.split(' '));
const HAN = '[\\u4e00-\\u9fff]';
const CJK_NAME_PATTERNS: RegExp[] = [
  new RegExp(`${HAN}{1,3}[州]`, 'gu'),
  new RegExp(`${HAN}{2,3}(?:市|省|县)`, 'gu'),
  new RegExp(`${HAN}{1,2}(?=先生|女士|小姐|老师|教授|医生|总|经理)`, 'gu'),
  /《[^》]{1,30}》/gu,
];
/** Sentence ends, in English and Chinese. */
const SENTENCE_END = /[.!?。！？；;\n]/;

const LATIN_WORD = /[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’-]*[A-Za-z\u00C0-\u024F]|[A-Za-z]/g;

export function checkProse(lineBefore: string, text: string, docText: string, knownElsewhere: (name: string) => boolean): ProseCheck {
  const full = lineBefore + text;
  const boundary = lineBefore.length;
  const unknown: { name: string; at: number }[] = [];
  const docLower = docText.toLowerCase();
  const known = (w: string) => docText.includes(w) || knownElsewhere(w);

  // English (and any Latin-script) names.
  for (const m of full.matchAll(LATIN_WORD)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (end <= boundary) continue;
    const word = m[0].replace(/['’]s$/, '');
    const next = full.slice(end, end + 1);
    const codeLike = /[a-z][A-Z]|_/.test(word) || next === '(' || (full[start - 1] === '`' && next === '`');
    if (codeLike) {
      if (!known(word)) unknown.push({ name: word, at: start });
      continue;
    }
    if (!/^[A-Z]/.test(word) || word === 'I' || /^I['’]/.test(m[0])) continue;
    const lower = word.toLowerCase();
    const startOfSentence = isSentenceStart(full, start);
    if (startOfSentence && (isEnglishWordShape(lower, (w) => builtins.isOrdinaryWord(w)) || docLower.includes(` ${lower} `))) continue;
    if (/^[A-Z]{2,}$/.test(word) && builtins.isOrdinaryWord(lower)) continue;
    if (known(word) || (word.length > 3 && docLower.includes(lower))) continue;
    unknown.push({ name: word, at: start });
  }

  // Chinese names.
  const seen = new Set<string>();
  const consider = (name: string, at: number) => {
    if (at + name.length <= boundary || seen.has(name + at)) return;
    seen.add(name + at);
    if (NOT_PLACES.has(name) || known(name)) return;
    unknown.push({ name, at });
  };
  for (let i = 0; i < full.length; i++) {
    if (!/[\u4e00-\u9fff]/.test(full[i])) continue;
    for (const len of [4, 3, 2]) {
      const w = full.slice(i, i + len);
      if (CJK_PLACE_SET.has(w)) {
        consider(w, i);
        i += len - 1;
        break;
      }
    }
  }
  for (const re of CJK_NAME_PATTERNS) {
    for (const m of full.matchAll(re)) {
      let name = m[0];
      let at = m.index!;
      // The pattern may have swallowed leading ordinary characters (去广州 → 广州): take the longest known-place tail, else the last 2-3 characters.
      if (!name.startsWith('《') && name.length > 2) {
        const tail = [...CJK_PLACE_SET].find((p) => name.endsWith(p));
        const keep = tail ? tail.length : name.length >= 3 && /[州市省县]$/.test(name) ? 2 : name.length;
        at += name.length - keep;
        name = name.slice(name.length - keep);
      }
      if (CJK_PLACE_SET.has(name) || [...CJK_PLACE_SET].some((p) => p.includes(name) && docText.includes(p))) continue;
      consider(name, at);
    }
  }

  if (unknown.length === 0) return { unknown: [], cutAt: -1 };
  unknown.sort((a, b) => a.at - b.at);
  const first = unknown[0].at;
  // Cut at the start of the sentence holding the first unknown name.
  let s = first;
  while (s > boundary && !SENTENCE_END.test(full[s - 1])) s--;
  while (s < first && /\s/.test(full[s])) s++;
  return { unknown: [...new Set(unknown.map((u) => u.name))], cutAt: Math.max(0, s - boundary) };
}

function isSentenceStart(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && /[\s"'“‘(*_#>-]/.test(text[i])) {
    if (text[i] === '\n') return true;
    i--;
  }
  return i < 0 || /[.!?:。！？]/.test(text[i]);
}
