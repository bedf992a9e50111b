import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './options.js';

/** parseArgs settings of a command; `args` is required so that tests never parse process.argv. */
type CommandConfig = ParseArgsConfig & { args: string[] };

/**
 * Parses a command's arguments with parseArgs in strict mode. The usual mistakes raise a
 * UsageError in the project's words, because Node's own messages suggest nothing and quote the
 * option unevenly. They are an unknown option, which gets the closest known options as
 * suggestions, a missing value, a value for a flag, and an argument where none is taken.
 */
export function parseOptions<T extends CommandConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  const options = config.options ?? {};
  const { tokens } = parseArgs({ args: config.args, options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional' && config.allowPositionals !== true) {
      throw new UsageError(`Unexpected argument "${token.value}": this command takes options only.`);
    }
    if (token.kind !== 'option') {
      continue;
    }
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (option === undefined) {
      throw new UsageError(unknownOptionMessage(config.args[token.index]!, token.rawName, Object.keys(options)));
    }
    if (option.type === 'boolean' && token.value !== undefined) {
      throw new UsageError(`${token.rawName} takes no value.`);
    }
    if (option.type === 'string' && token.value === undefined) {
      throw new UsageError(`Missing value for ${token.rawName}.`);
    }
    if (option.type === 'string' && !token.inlineValue && isOptionLike(token.value!)) {
      // The value is not shown, because it may be a secret that starts with "-".
      throw new UsageError(`Missing value for ${token.rawName}, which is followed by an option. For a value ` +
        `that starts with "-", write ${token.rawName}=VALUE.`);
    }
  }
  return parseArgs(config);
}

/** Returns true for an argument that strict parseArgs takes for an option, not for a value. */
function isOptionLike(argument: string): boolean {
  return argument.length > 1 && argument.startsWith('-');
}

/**
 * Words the error for the unknown option `rawName` that parseArgs read from `argument`.
 * parseArgs splits `-timeout` into the short options -t, -i and so on, so a single-dash word
 * is named whole and compared with the long options. A value after "=" may be a secret, so
 * the message never shows it.
 */
function unknownOptionMessage(argument: string, rawName: string, known: string[]): string {
  const singleDashWord = /^-[^-=][^=]+/.exec(argument);
  let optionName = singleDashWord !== null ? singleDashWord[0] : rawName;
  const suggestions = suggestOptions(optionName.replace(/^-+/, ''), known).map((name) => `--${name}`);
  if (singleDashWord !== null && suggestions.length === 0) {
    // Without a close long option, the word may be a short option with its value attached,
    // such as -T followed by a token, so only the option's letter is shown.
    optionName = argument.slice(0, 2);
  }
  const hint = suggestions.length === 0 ? '' : ` Did you mean ${suggestions.join(' or ')}?`;
  return `Unknown option ${optionName}.${hint}`;
}

/**
 * Returns the known option names closest to `name` by edit distance, in the order given, or []
 * when none is close. Close means one edit per three characters of `name`, but at least one
 * and at most three, so that typing mistakes match and unrelated short names do not.
 */
export function suggestOptions(name: string, known: readonly string[]): string[] {
  const maxDistance = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best = maxDistance + 1;
  let closest: string[] = [];
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate);
    if (distance < best) {
      best = distance;
      closest = [candidate];
    } else if (distance === best) {
      closest.push(candidate);
    }
  }
  return closest;
}

/**
 * Returns the optimal string alignment distance between `a` and `b`: the fewest insertions,
 * deletions, substitutions and swaps of two neighboring characters that turn `a` into `b`.
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j] is the distance between the first i characters of a and the first j of b.
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i += 1) {
    rows.push([i]);
  }
  for (let j = 1; j <= b.length; j += 1) {
    rows[0]![j] = j;
  }
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(
        rows[i - 1]![j]! + 1,
        rows[i]![j - 1]! + 1,
        rows[i - 1]![j - 1]! + substitution,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = distance;
    }
  }
  return rows[a.length]![b.length]!;
}
