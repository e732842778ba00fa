// The README's shell blocks, and the rules that make a command paste cleanly into both bash and
// zsh (macOS's default shell). Pure functions: test/readme.test.ts runs them over README.md.

/** A fenced block of commands: ```sh, ```bash or ```shell. Output samples use ```text. */
export interface ShellBlock {
  readonly code: string;
  /** 1-based line of the opening fence in the Markdown file. */
  readonly line: number;
  /** Marked `<!-- readme-test: run -->` on the line before the fence: run offline by the tests. */
  readonly run: boolean;
}

export const RUN_MARKER = "<!-- readme-test: run -->";

export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split("\n");
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(sh|bash|shell)\s*$/.exec(lines[i]!);
    if (!open) {
      // Skip over any other fenced block so that its content is never read as Markdown.
      if (/^\s*```/.test(lines[i]!)) {
        const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
        if (end > i) i = end;
      }
      continue;
    }
    const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
    if (end < 0) throw new Error(`README.md:${i + 1}: unterminated code block`);
    const indent = open[1]!.length;
    const code = lines
      .slice(i + 1, end)
      .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
      .join("\n");
    blocks.push({ code, line: i + 1, run: (lines[i - 1] ?? "").trim() === RUN_MARKER });
    i = end;
  }
  return blocks;
}

/** One problem: the 1-based line inside the block, the word and why it breaks in a shell. */
export interface PasteProblem {
  readonly line: number;
  readonly word: string;
  readonly why: string;
}

// Characters that zsh treats specially in an unquoted word where bash usually passes them through:
// `[`, `]`, `*`, `?` are globs, and zsh stops with "no matches found" when nothing matches (bash
// passes the word unchanged); `<`, `>` inside a word are redirections in both shells
// (`arn:aws:iam::<account>:role/x` reads from a file named `account`). `#` starts a comment in bash,
// but not in an interactive zsh (INTERACTIVE_COMMENTS is off by default), so a pasted trailing
// comment becomes arguments. `!` is history expansion in both interactive shells, even inside
// double quotes.
const REDIRECT = /^(\d?>>?|<|&>>?|\d?>&\d|\d?<&\d)/;

/** Problems that stop a line from pasting the same way into bash and zsh. */
export function pasteProblems(code: string): PasteProblem[] {
  const problems: PasteProblem[] = [];
  const lines = code.split("\n");
  lines.forEach((text, index) => {
    for (const { word, quoted, dquoted } of words(text)) {
      const raw = word.map((c, i) => (quoted[i] ? "" : c)).join("");
      const add = (why: string) => problems.push({ line: index + 1, word: word.join(""), why });
      if (word[0] === "#" && !quoted[0]) {
        add("a comment: interactive zsh does not treat # as a comment (INTERACTIVE_COMMENTS is off), so it becomes arguments; put explanations in the prose");
        break;
      }
      if (/[[\]*?]/.test(raw)) add("unquoted [ ] * or ?: zsh expands it as a glob and stops with 'no matches found'; quote the word");
      const redirect = REDIRECT.exec(raw);
      const rest = redirect ? raw.slice(redirect[0].length) : raw;
      if (/[<>]/.test(rest)) add("< or > inside a word is a redirection in bash and zsh; quote the word or use a real value");
      if (word.some((c, i) => c === "!" && (!quoted[i] || dquoted[i]))) add("! is history expansion in interactive bash and zsh; use single quotes");
    }
  });
  return problems;
}

interface Word {
  readonly word: string[];
  /** Per character: inside single or double quotes (or escaped). */
  readonly quoted: boolean[];
  /** Per character: inside double quotes (where `!` still expands). */
  readonly dquoted: boolean[];
}

/** Splits one line into shell words, tracking which characters are quoted. */
function words(line: string): Word[] {
  const out: Word[] = [];
  let cur: Word = { word: [], quoted: [], dquoted: [] };
  let mode: "plain" | "single" | "double" = "plain";
  const push = (c: string, quoted: boolean, dquoted = false) => {
    cur.word.push(c);
    cur.quoted.push(quoted);
    cur.dquoted.push(dquoted);
  };
  const flush = () => {
    if (cur.word.length > 0) out.push(cur);
    cur = { word: [], quoted: [], dquoted: [] };
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (mode === "single") {
      if (c === "'") mode = "plain";
      else push(c, true);
    } else if (mode === "double") {
      if (c === '"') mode = "plain";
      else if (c === "\\" && i + 1 < line.length) push(line[++i]!, true, true);
      else push(c, true, true);
    } else if (c === "'") {
      mode = "single";
      if (cur.word.length === 0) push("", true); // an opening quote makes a (possibly empty) word
    } else if (c === '"') {
      mode = "double";
      if (cur.word.length === 0) push("", true);
    } else if (c === "\\") {
      if (i + 1 < line.length) push(line[++i]!, true);
    } else if (/\s/.test(c) || c === "|" || c === ";" || (c === "&" && line[i + 1] === "&")) {
      flush();
      if (c === "&") i++;
    } else {
      push(c, false);
    }
  }
  flush();
  return out.map((w) => {
    // Drop the empty markers pushed for opening quotes.
    const keep = w.word.map((c) => c !== "");
    return { word: w.word.filter((_, i) => keep[i]), quoted: w.quoted.filter((_, i) => keep[i]), dquoted: w.dquoted.filter((_, i) => keep[i]) };
  });
}
