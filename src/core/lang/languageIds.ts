/**
 * VS Code's language id for a file, from its name, as VS Code's built-in language extensions
 * declare it (`contributes.languages[].extensions` / `filenames` of extensions/<lang>/package.json);
 * Kotlin, Scala, TOML, Vue, Svelte and Dart are not built in, and get the id their usual extension
 * registers. The CLI judges a file with the id the editor would give it (`filter --as-is`); in the
 * editor, VS Code says the id itself.
 */
import * as path from 'node:path';

const BY_LANGUAGE: Readonly<Record<string, readonly string[]>> = {
  typescript: ['.ts', '.cts', '.mts'],
  typescriptreact: ['.tsx'],
  javascript: ['.js', '.es6', '.mjs', '.cjs', '.pac'],
  javascriptreact: ['.jsx'],
  json: ['.json', '.webmanifest', '.har', '.jsonld', '.geojson', '.ipynb', '.bowerrc', '.jscsrc'],
  jsonc: ['.jsonc', '.code-workspace', '.eslintrc', '.jshintrc', '.swcrc', '.babelrc', '.hintrc'],
  python: ['.py', '.rpy', '.pyw', '.cpy', '.gyp', '.gypi', '.pyi', '.ipy', '.pyt'],
  go: ['.go'],
  rust: ['.rs'],
  java: ['.java', '.jav'],
  csharp: ['.cs', '.csx', '.cake'],
  c: ['.c', '.i'],
  // VS Code opens `.h` as C++.
  cpp: ['.cpp', '.cppm', '.cc', '.ccm', '.cxx', '.cxxm', '.c++', '.c++m', '.hpp', '.hh', '.hxx', '.h++', '.h', '.ii', '.ino', '.inl', '.ipp', '.ixx', '.tpp', '.txx'],
  'objective-c': ['.m'],
  'objective-cpp': ['.mm'],
  ruby: ['.rb', '.rbx', '.rjs', '.gemspec', '.rake', '.ru', '.erb', '.podspec', '.rbi'],
  php: ['.php', '.php4', '.php5', '.phtml', '.ctp'],
  css: ['.css'],
  scss: ['.scss'],
  less: ['.less'],
  html: ['.html', '.htm', '.shtml', '.xhtml', '.xht', '.mdoc', '.jsp', '.asp', '.aspx', '.jshtm', '.volt', '.ejs', '.rhtml'],
  xml: ['.xml', '.xsd', '.xsl', '.xslt', '.svg', '.csproj', '.fsproj', '.vbproj', '.props', '.targets', '.plist', '.xaml', '.wsdl'],
  yaml: ['.yaml', '.yml', '.eyaml', '.eyml', '.cff'],
  sql: ['.sql', '.dsql'],
  markdown: ['.md', '.mkd', '.mdwn', '.mdown', '.markdown', '.markdn', '.mdtxt', '.mdtext', '.workbook'],
  shellscript: [
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
  ],
  powershell: ['.ps1', '.psm1', '.psd1', '.pssc', '.psrc'],
  bat: ['.bat', '.cmd'],
  swift: ['.swift'],
  kotlin: ['.kt', '.kts'],
  scala: ['.scala', '.sc'],
  dart: ['.dart'],
  lua: ['.lua'],
  perl: ['.pl', '.pm', '.pod', '.t', '.psgi'],
  r: ['.r', '.rhistory', '.rprofile', '.rt'],
  julia: ['.jl'],
  fsharp: ['.fs', '.fsi', '.fsx', '.fsscript'],
  vb: ['.vb', '.brs', '.vbs', '.bas'],
  groovy: ['.groovy', '.gvy', '.gradle', '.jenkinsfile', '.nf'],
  clojure: ['.clj', '.cljs', '.cljc', '.cljx', '.clojure', '.edn'],
  coffeescript: ['.coffee', '.cson', '.iced'],
  dockerfile: ['.dockerfile', '.containerfile'],
  makefile: ['.mak', '.mk'],
  ini: ['.ini'],
  properties: ['.properties', '.cfg', '.conf', '.directory', '.gitattributes', '.gitconfig', '.gitmodules', '.editorconfig', '.npmrc'],
  toml: ['.toml'],
  diff: ['.diff', '.patch', '.rej'],
  latex: ['.tex', '.ltx', '.ctx'],
  bibtex: ['.bib'],
  handlebars: ['.handlebars', '.hbs'],
  pug: ['.pug', '.jade'],
  razor: ['.cshtml', '.razor'],
  vue: ['.vue'],
  svelte: ['.svelte'],
  plaintext: ['.txt'],
};

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

const BY_EXTENSION: ReadonlyMap<string, string> = new Map(Object.entries(BY_LANGUAGE).flatMap(([id, exts]) => exts.map((e) => [e, id] as const)));

/** VS Code's language id for a file path; 'plaintext' for a name it gives no language. */
export function vscodeLanguageId(filePath: string): string {
  const base = path.basename(filePath).toLowerCase();
  // A dot file (`.bashrc`) is all extension.
  const ext = path.extname(base) || (base.startsWith('.') ? base : '');
  return BY_FILENAME[base] ?? BY_EXTENSION.get(ext) ?? 'plaintext';
}
