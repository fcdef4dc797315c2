/**
 * Languages by file name, in one table: a row per extension with VS Code's language id, the
 * tree-sitter grammar that parses the language, and whether the product reads files of that
 * extension from disk (the workspace index, the CLI, the benchmarks). Everything else about a
 * file's language (the grammar for an id, the extensions the index lists, an id for a path) is
 * derived from it.
 *
 * The ids are those VS Code's built-in language extensions declare
 * (`contributes.languages[].extensions` / `filenames` of extensions/<lang>/package.json); Kotlin,
 * Scala, TOML, Vue, Svelte and Dart are not built in, and get the id their usual extension
 * registers. The CLI judges a file with the id the editor would give it (`filter --as-is`); in the
 * editor, VS Code says the id itself.
 */
import * as path from 'node:path';

export interface ExtensionRow {
  /** Lower case, with its dot (`.ts`); for a dot file, its whole name (`.bashrc`). */
  readonly extension: string;
  /** VS Code's language id. */
  readonly languageId: string;
  /** `tree-sitter-<grammar>.wasm`, for the languages the product parses. */
  readonly grammar?: string;
  /**
   * Read from disk as the language's source. VS Code gives a few more extensions the same ids, but
   * their files are mostly something else (`.gyp` build data, `.rpy` Ren'Py scripts) or rare.
   */
  readonly read?: boolean;
}

/** Rows for the extensions VS Code gives `languageId` that the product neither parses nor reads. */
function named(languageId: string, extensions: readonly string[]): ExtensionRow[] {
  return extensions.map((extension) => ({ extension, languageId }));
}

export const EXTENSIONS: readonly ExtensionRow[] = [
  { extension: '.ts', languageId: 'typescript', grammar: 'typescript', read: true },
  { extension: '.cts', languageId: 'typescript', grammar: 'typescript', read: true },
  { extension: '.mts', languageId: 'typescript', grammar: 'typescript', read: true },
  { extension: '.tsx', languageId: 'typescriptreact', grammar: 'tsx', read: true },
  { extension: '.js', languageId: 'javascript', grammar: 'javascript', read: true },
  { extension: '.mjs', languageId: 'javascript', grammar: 'javascript', read: true },
  { extension: '.cjs', languageId: 'javascript', grammar: 'javascript', read: true },
  { extension: '.es6', languageId: 'javascript', grammar: 'javascript' },
  { extension: '.pac', languageId: 'javascript', grammar: 'javascript' },
  { extension: '.jsx', languageId: 'javascriptreact', grammar: 'javascript', read: true },
  { extension: '.py', languageId: 'python', grammar: 'python', read: true },
  { extension: '.pyi', languageId: 'python', grammar: 'python', read: true },
  ...['.rpy', '.pyw', '.cpy', '.gyp', '.gypi', '.ipy', '.pyt'].map((extension) => ({ extension, languageId: 'python', grammar: 'python' })),
  { extension: '.go', languageId: 'go', grammar: 'go', read: true },
  { extension: '.rs', languageId: 'rust', grammar: 'rust', read: true },
  { extension: '.java', languageId: 'java', grammar: 'java', read: true },
  { extension: '.jav', languageId: 'java', grammar: 'java' },
  { extension: '.md', languageId: 'markdown', read: true },
  { extension: '.txt', languageId: 'plaintext', read: true },
  ...named('json', ['.json', '.webmanifest', '.har', '.jsonld', '.geojson', '.ipynb', '.bowerrc', '.jscsrc']),
  ...named('jsonc', ['.jsonc', '.code-workspace', '.eslintrc', '.jshintrc', '.swcrc', '.babelrc', '.hintrc']),
  ...named('csharp', ['.cs', '.csx', '.cake']),
  ...named('c', ['.c', '.i']),
  // VS Code opens `.h` as C++.
  ...named('cpp', ['.cpp', '.cppm', '.cc', '.ccm', '.cxx', '.cxxm', '.c++', '.c++m', '.hpp', '.hh', '.hxx', '.h++', '.h', '.ii', '.ino', '.inl', '.ipp', '.ixx', '.tpp', '.txx']),
  ...named('objective-c', ['.m']),
  ...named('objective-cpp', ['.mm']),
  ...named('ruby', ['.rb', '.rbx', '.rjs', '.gemspec', '.rake', '.ru', '.erb', '.podspec', '.rbi']),
  ...named('php', ['.php', '.php4', '.php5', '.phtml', '.ctp']),
  ...named('css', ['.css']),
  ...named('scss', ['.scss']),
  ...named('less', ['.less']),
  ...named('html', ['.html', '.htm', '.shtml', '.xhtml', '.xht', '.mdoc', '.jsp', '.asp', '.aspx', '.jshtm', '.volt', '.ejs', '.rhtml']),
  ...named('xml', ['.xml', '.xsd', '.xsl', '.xslt', '.svg', '.csproj', '.fsproj', '.vbproj', '.props', '.targets', '.plist', '.xaml', '.wsdl']),
  ...named('yaml', ['.yaml', '.yml', '.eyaml', '.eyml', '.cff']),
  ...named('sql', ['.sql', '.dsql']),
  ...named('markdown', ['.mkd', '.mdwn', '.mdown', '.markdown', '.markdn', '.mdtxt', '.mdtext', '.workbook']),
  ...named('shellscript', [
    '.sh',
    '.bash',
    '.bashrc',
    '.bash_aliases',
    '.bash_profile',
    '.bash_login',
    '.bash_logout',
    '.ebuild',
    '.profile',
    '.zsh',
    '.zshrc',
    '.zprofile',
    '.zlogin',
    '.zlogout',
    '.zshenv',
    '.zsh-theme',
    '.ksh',
    '.csh',
    '.cshrc',
    '.tcshrc',
  ]),
  ...named('powershell', ['.ps1', '.psm1', '.psd1', '.pssc', '.psrc']),
  ...named('bat', ['.bat', '.cmd']),
  ...named('swift', ['.swift']),
  ...named('kotlin', ['.kt', '.kts']),
  ...named('scala', ['.scala', '.sc']),
  ...named('dart', ['.dart']),
  ...named('lua', ['.lua']),
  ...named('perl', ['.pl', '.pm', '.pod', '.t', '.psgi']),
  ...named('r', ['.r', '.rhistory', '.rprofile', '.rt']),
  ...named('julia', ['.jl']),
  ...named('fsharp', ['.fs', '.fsi', '.fsx', '.fsscript']),
  ...named('vb', ['.vb', '.brs', '.vbs', '.bas']),
  ...named('groovy', ['.groovy', '.gvy', '.gradle', '.jenkinsfile', '.nf']),
  ...named('clojure', ['.clj', '.cljs', '.cljc', '.cljx', '.clojure', '.edn']),
  ...named('coffeescript', ['.coffee', '.cson', '.iced']),
  ...named('dockerfile', ['.dockerfile', '.containerfile']),
  ...named('makefile', ['.mak', '.mk']),
  ...named('ini', ['.ini']),
  ...named('properties', ['.properties', '.cfg', '.conf', '.directory', '.gitattributes', '.gitconfig', '.gitmodules', '.editorconfig', '.npmrc']),
  ...named('toml', ['.toml']),
  ...named('diff', ['.diff', '.patch', '.rej']),
  ...named('latex', ['.tex', '.ltx', '.ctx']),
  ...named('bibtex', ['.bib']),
  ...named('handlebars', ['.handlebars', '.hbs']),
  ...named('pug', ['.pug', '.jade']),
  ...named('razor', ['.cshtml', '.razor']),
  ...named('vue', ['.vue']),
  ...named('svelte', ['.svelte']),
];

/** Whole file names VS Code gives a language (matched before the extension). */
const BY_FILENAME: Readonly<Record<string, string>> = {
  dockerfile: 'dockerfile',
  containerfile: 'dockerfile',
  makefile: 'makefile',
  gnumakefile: 'makefile',
  gemfile: 'ruby',
  rakefile: 'ruby',
  podfile: 'ruby',
  vagrantfile: 'ruby',
  jenkinsfile: 'groovy',
  '.gitignore': 'ignore',
  '.npmignore': 'ignore',
  '.dockerignore': 'ignore',
  'tsconfig.json': 'jsonc',
  'jsconfig.json': 'jsonc',
  '.eslintrc.json': 'jsonc',
  'settings.json': 'jsonc',
  pkgbuild: 'shellscript',
};

const BY_EXTENSION: ReadonlyMap<string, string> = new Map(EXTENSIONS.map((r) => [r.extension, r.languageId]));

/** VS Code language id → grammar name (`tree-sitter-<name>.wasm`), for the languages the product parses. */
export const GRAMMAR_FOR_LANGUAGE: Readonly<Record<string, string>> = Object.fromEntries(EXTENSIONS.filter((r) => r.grammar).map((r) => [r.languageId, r.grammar!]));

/** Extension → VS Code language id, for the files read from disk (CLI, workspace index, benchmarks). */
export const LANGUAGE_FOR_EXTENSION: Readonly<Record<string, string>> = Object.fromEntries(EXTENSIONS.filter((r) => r.read).map((r) => [r.extension, r.languageId]));

/** The extensions of source files the product parses and reads from disk (the workspace index, the typing bench). */
export const SOURCE_EXTENSIONS: ReadonlySet<string> = new Set(EXTENSIONS.filter((r) => r.read && r.grammar).map((r) => r.extension));

/** The language id of a file read from disk, by its extension; undefined for a file the product does not read. */
export function languageForPath(p: string): string | undefined {
  return LANGUAGE_FOR_EXTENSION[path.extname(p).toLowerCase()];
}

/** VS Code's language id for a file path; 'plaintext' for a name it gives no language. */
export function vscodeLanguageId(filePath: string): string {
  const base = path.basename(filePath).toLowerCase();
  // A dot file (`.bashrc`) is all extension.
  const ext = path.extname(base) || (base.startsWith('.') ? base : '');
  return BY_FILENAME[base] ?? BY_EXTENSION.get(ext) ?? 'plaintext';
}
