// Heuristic `coding` label (DESIGN section 6 category `coding`). In the spirit of FastChat's code tagger
// (fastchat/serve/monitor/code_tagger.py): code fences, programming-language names and keywords, code syntax,
// stack traces and shell commands, in the prompt or in either answer. Pure: no I/O.
//
// Names that are also ordinary words (python the snake, Java the island, rust on iron, the game of Go) count only
// next to a programming word somewhere in the same message, so "remove rust from a pan" is not coding.

/** Each message is scanned up to this many characters: answers can be long, and the signals show early. */
export const CODING_SCAN_CHARS = 20_000;

/** Fenced blocks that hold prose, not code (FastChat strips ```plaintext and ```markdown before looking). */
const PROSE_FENCE = /```(?:plaintext|markdown|md|text|txt)\b[\s\S]*?(?:```|$)/gi;

const STRONG: readonly RegExp[] = [
  /```/, // a code fence
  // stack traces and compiler/runtime errors
  /Traceback \(most recent call last\)/,
  /\bException in thread\b/,
  /^\s+at [\w$.<>]+\([\w$.]*:\d+(?::\d+)?\)/m,
  /\b(?:SyntaxError|TypeError|ReferenceError|KeyError|IndexError|AttributeError|ValueError|NullPointerException|ModuleNotFoundError|ImportError|RuntimeError|panicked at|segmentation fault|undefined reference to|cannot borrow)\b/,
  // code syntax
  /^\s*(?:def|class)\s+\w+\s*(?:\([^)\n]*\))?\s*(?:->\s*[\w\[\], .]+)?:\s*$/m,
  /\bfunction\s*\w*\s*\([^)\n]*\)\s*\{/,
  /\([^()\n]*\)\s*=>/,
  /\b(?:const|let|var)\s+[A-Za-z_$][\w$]*\s*(?::\s*[\w<>[\]|, ]+)?=[^=]/,
  /\b(?:console\.log|System\.out\.print(?:ln)?|printf|println!|fmt\.Println|std::\w+|String\[\] args)\b/,
  /#include\s*[<"][\w./]+[>"]/,
  /\bpublic\s+(?:static\s+)?(?:void|class|int|String)\b/,
  /\bfn\s+\w+\s*(?:<[^>\n]*>)?\s*\(/,
  /\blet\s+mut\s+\w+/,
  /^\s*(?:import\s+[\w.]+(?:\s+as\s+\w+)?|from\s+[\w.]+\s+import\s+[\w*, ]+)\s*$/m,
  /\bimport\s+(?:\{[^}\n]*\}|\w+)\s+from\s+['"][^'"\n]+['"]/,
  /\b(?:import\s+(?:pandas|numpy|torch|tensorflow|sklearn)|require\(\s*['"][\w@/.-]+['"]\s*\))/,
  /\bSELECT\b[^;]{0,300}?\bFROM\b/,
  /\b(?:INSERT\s+INTO|CREATE\s+(?:TABLE|INDEX|VIEW)|ALTER\s+TABLE|DELETE\s+FROM|UPDATE\s+\w+\s+SET)\b/,
  /<\/?(?:div|span|html|head|body|script|style|button|input|form|template)\b[^>\n]*>/i,
  /^\s*(?:\$|#|>)\s+(?:sudo|cd|ls|git|npm|pip|docker|python3?|node|cargo|go|make|curl|wget)\b/m,
  // shell commands
  /\bsudo\s+\S+/,
  /\b(?:apt-get|apt|yum|dnf|brew|pacman|choco|winget)\s+(?:install|update|upgrade|remove)\b/,
  /\b(?:pip3?|npm|pnpm|yarn|conda|cargo|gem|composer)\s+(?:install|i|add|run|build|update|uninstall|init|publish)\b/,
  /\bnpx\s+[\w@/-]+/,
  /\bgit\s+(?:clone|commit|push|pull|fetch|rebase|merge|checkout|switch|branch|status|log|diff|add|stash|reset|revert|cherry-pick|init|remote|tag|bisect)\b/,
  /\bdocker(?:-compose)?\s+(?:run|build|compose|ps|exec|pull|push|images|logs|stop)\b/,
  /\bkubectl\s+\w+/,
  /\bsystemctl\s+(?:start|stop|restart|status|enable|disable|reload)\b/,
  /\b(?:chmod|chown)\s+(?:[+-]?[rwx]+|\d{3,4}|-R)\b/,
  /\b(?:curl\s+-[A-Za-z]|wget\s+https?:\/\/|grep\s+-[A-Za-z]|sed\s+-[A-Za-z]|awk\s+')/,
  /\bssh\s+(?:-\w+\s+)*\w+@[\w.-]+/,
  /\bgo\s+(?:run|build|mod|get|test)\s+[\w./-]+/,
  // asking for code in so many words
  /\b(?:write|writing|this|my|following|source|sample|example)\s+code\b/i,
  /\bcode\s+(?:snippet|review|block|base)\b|\bcodebase\b|\bcoding\b/i,
];

/** Language, tool and library names that are not ordinary words. */
const NAMES =
  /(?:^|[^\w])(?:javascript|typescript|c\+\+|c#|cpp|golang|kotlin|php|sql|mysql|postgres(?:ql)?|sqlite|html5?|css3?|bash|zsh|powershell|matlab|haskell|ocaml|perl|lua|fortran|cobol|verilog|vhdl|solidity|webassembly|wasm|node\.?js|deno|vue\.js|react\.js|reactjs|nextjs|next\.js|angular|svelte|fastapi|pytorch|tensorflow|keras|scikit-learn|sklearn|dataframe|jupyter|docker(?:file)?|kubernetes|k8s|nginx|github|gitlab|regex|regexp|json|yaml|graphql|webpack|vite|eslint|jquery|laravel|dotnet|\.net|asp\.net|xcode|android studio|vscode|visual studio|stack ?overflow|linux|ubuntu|debian)(?![\w+#])/i;

/** Names that are also ordinary words: coding only with a programming word in the same message. */
const AMBIGUOUS_NAMES =
  /(?:^|[^\w])(?:python|java|rust|go|swift|ruby|julia|dart|scala|elixir|pascal|assembly|shell|django|flask|pandas|numpy|react|spring boot|excel vba|vba|r)(?![\w+#])/i;

/** Programming words, in the languages the arena sees most (prefixes where words inflect). */
const PROGRAMMING_WORDS =
  /\b(?:code|codes|coding|program|programs|programming|programmer|function|functions|script|scripts|compile|compiler|compiling|library|libraries|package|module|syntax|variable|variables|loop|loops|class|method|array|arrays|algorithm|algorithms|api|framework|debug|debugging|bug|bugs|exception|crate|crates|goroutines?|thread|threads|async|await|runtime|ide|developer|snippet|implement|implementation|recursion|recursive|data structure|struct|interface|generic|generics|lambda|closure|callback|install|import|macro|pointer|pointers|compile-time)\b|(?:код|программ|функци|алгоритм|скрипт|代码|程序|函数|算法|编程|脚本|コード|プログラム|関数|アルゴリズム|スクリプト|코드|프로그램|함수|알고리즘|código|codigo|programa|función|funcion|algoritmo|Programm|Funktion|Algorithmus|fonction|programme|algorithme)/i;

const ASCII_ART = /ascii art/i;

/** True when one message (prompt or answer) looks like programming. */
export function looksLikeCode(message: string): boolean {
  let text = message.length > CODING_SCAN_CHARS ? message.slice(0, CODING_SCAN_CHARS) : message;
  if (ASCII_ART.test(text)) return false;
  text = text.replace(PROSE_FENCE, " ");
  if (STRONG.some((re) => re.test(text))) return true;
  if (NAMES.test(text)) return true;
  return AMBIGUOUS_NAMES.test(text) && PROGRAMMING_WORDS.test(text);
}

/** `coding` for a conversation: any user turn or any answer of either side. */
export function isCoding(userTurns: readonly string[], answers: readonly string[] = []): boolean {
  return userTurns.some(looksLikeCode) || answers.some(looksLikeCode);
}
