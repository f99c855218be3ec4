export { parseShell, type ShellCommand, type ShellLine } from './parse.js';
export { ShellRun, type ShellCommandResult, type ShellEnvironment } from './shell.js';
export { materializeTree, parseTreeSize, type TreeSpec, type TreeFile } from './source-tree.js';
