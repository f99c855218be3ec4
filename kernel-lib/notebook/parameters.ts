// Notebook parameters, papermill's convention in TypeScript: the code cell tagged `parameters`
// declares defaults, one per line (`const seed = 42;`, `const clients: number[] = [1, 4];`).
// Overrides go into a new cell tagged `injected-parameters` right after it, redeclaring each
// overridden name with the same keyword and type, so later cells see the new values.
import { hasTag, joinSource, type Cell, type Notebook } from './nbformat.js';

export interface ParameterDeclaration {
  name: string;
  keyword: 'const' | 'let' | 'var';
  /** The declared type, if written (`number[]`). */
  type?: string;
  /** The default's source text (`[1, 4]`). */
  valueText: string;
}

const DECLARATION = /^\s*(?:export\s+)?(const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*([^=]+?))?\s*=\s*(.+?)\s*;?\s*(?:\/\/.*)?$/;

export function parametersCellIndex(notebook: Notebook): number {
  return notebook.cells.findIndex((cell) => cell.cell_type === 'code' && hasTag(cell, 'parameters'));
}

export function parameterDeclarations(source: string): ParameterDeclaration[] {
  const found: ParameterDeclaration[] = [];
  for (const line of source.split('\n')) {
    const match = DECLARATION.exec(line);
    if (match) {
      const [, keyword, name, type, valueText] = match;
      found.push({ name: name!, keyword: keyword as ParameterDeclaration['keyword'], type: type?.trim(), valueText: valueText! });
    }
  }
  return found;
}

/** `-p name=value`: the value is JSON when it parses as JSON (numbers, booleans, arrays), else a string. */
export function parseParameterArgument(argument: string): [string, unknown] {
  const eq = argument.indexOf('=');
  if (eq <= 0) throw new Error(`parameter '${argument}' must look like name=value`);
  const name = argument.slice(0, eq).trim();
  const text = argument.slice(eq + 1);
  try {
    return [name, JSON.parse(text)];
  } catch {
    return [name, text];
  }
}

/**
 * The notebook with `overrides` injected, and the effective parameter values as source text
 * (defaults, then overrides), which provenance records. Throws, naming the notebook, for a
 * name the parameters cell does not declare: a typo must not silently run the defaults.
 */
export function injectParameters(
  notebook: Notebook,
  overrides: Record<string, unknown>,
  notebookName: string,
): { notebook: Notebook; effective: Record<string, string> } {
  const index = parametersCellIndex(notebook);
  const declarations = index < 0 ? [] : parameterDeclarations(joinSource(notebook.cells[index]!.source));
  const effective: Record<string, string> = {};
  for (const d of declarations) effective[d.name] = d.valueText;
  const names = Object.keys(overrides);
  if (names.length === 0) {
    // An executed notebook run again keeps its injection: what it computes with is that, so
    // provenance must say so (not the defaults it overrides).
    const old = index < 0 ? undefined : notebook.cells[index + 1];
    if (old && old.cell_type === 'code' && hasTag(old, 'injected-parameters')) {
      for (const d of parameterDeclarations(joinSource(old.source))) effective[d.name] = d.valueText;
    }
    return { notebook, effective };
  }
  if (index < 0) throw new Error(`${notebookName}: no code cell is tagged 'parameters', so -p ${names[0]} cannot be set`);

  const lines = ['// Injected parameters'];
  for (const name of names) {
    const d = declarations.find((x) => x.name === name);
    if (!d) {
      const known = declarations.map((x) => x.name).join(', ') || 'none';
      throw new Error(`${notebookName}: the parameters cell declares no '${name}' (parameters: ${known})`);
    }
    const valueText = JSON.stringify(overrides[name]);
    effective[name] = valueText;
    lines.push(`${d.keyword} ${name}${d.type ? `: ${d.type}` : ''} = ${valueText};`);
  }
  const injected: Cell = {
    // Cell ids exist from nbformat 4.5 on; a 4.4 notebook must not have them.
    ...(notebook.nbformat_minor >= 5 ? { id: 'injected-parameters' } : {}),
    cell_type: 'code',
    source: lines.join('\n'),
    metadata: { tags: ['injected-parameters'] },
    outputs: [],
    execution_count: null,
  };
  const cells = [...notebook.cells];
  // A rerun of an already-injected notebook replaces the old injection instead of stacking.
  const old = cells[index + 1];
  const replace = old && hasTag(old, 'injected-parameters') ? 1 : 0;
  cells.splice(index + 1, replace, injected);
  return { notebook: { ...notebook, cells }, effective };
}

/**
 * Throws, naming the notebook and the cell, when a source notebook (one `make report`
 * publishes) holds a cell tagged `injected-parameters`: an earlier `dmsim notebook run -p`
 * wrote its overrides over the source, and the page would silently compute with them.
 */
export function checkNoInjectedParameters(notebook: Notebook, notebookName: string): void {
  const index = notebook.cells.findIndex((cell) => hasTag(cell, 'injected-parameters'));
  if (index >= 0) {
    throw new Error(
      `${notebookName}: cell ${index + 1} is tagged 'injected-parameters' (overrides written by an earlier ` +
        `\`dmsim notebook run -p\`); a source notebook takes its values from the 'parameters' cell: delete that cell`,
    );
  }
}
