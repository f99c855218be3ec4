// fio's arithmetic in option values (oslib/exp: + - * / % ^ and parentheses, on integers and
// decimals), as a small recursive-descent parser: no eval, no other syntax.

/** The value of `text`, or null if it is not such an expression (or divides by zero). */
export function evaluateArithmetic(text: string): number | null {
  const tokens = text.match(/\d+(?:\.\d+)?|[-+*/%^()]|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const fail = (): never => {
    throw new SyntaxError(text);
  };
  const primary = (): number => {
    const t = tokens[i++];
    if (t === undefined) return fail();
    if (t === '(') {
      const v = sum();
      if (tokens[i++] !== ')') fail();
      return v;
    }
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (!/^\d/.test(t)) fail();
    return Number(t);
  };
  const power = (): number => {
    const base = primary();
    if (peek() === '^') {
      i++;
      return base ** power(); // right-associative
    }
    return base;
  };
  const product = (): number => {
    let v = power();
    while (peek() === '*' || peek() === '/' || peek() === '%') {
      const op = tokens[i++];
      const r = power();
      if (op !== '*' && r === 0) fail();
      v = op === '*' ? v * r : op === '/' ? v / r : v % r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (peek() === '+' || peek() === '-') v = tokens[i++] === '+' ? v + product() : v - product();
    return v;
  };
  try {
    const v = sum();
    if (i !== tokens.length || !Number.isFinite(v)) return null;
    // fio computes in integers when every operand is one.
    return /\./.test(text) ? v : Math.trunc(v);
  } catch {
    return null;
  }
}
