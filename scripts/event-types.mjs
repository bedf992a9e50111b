// Reads the element's event classes from src/element/events.ts for the README's API tables:
// the detail type from the source, and `bubbles` and `composed` from an instance, so that the
// table shows what the code does.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { tsImport } from 'tsx/esm/api';

const EVENTS_MODULE = 'src/element/events.ts';

/** Returns the detail interfaces of the module as `{ name: type; … }` text, by interface name. */
function detailShapes(source) {
  const shapes = new Map();

  for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement)) continue;
    const members = statement.members
      .filter(ts.isPropertySignature)
      .map((member) => `${member.name.getText(source)}: ${member.type.getText(source)}`);
    shapes.set(statement.name.text, `{ ${members.join('; ')} }`);
  }

  return shapes;
}

/** Returns the type argument of `extends CustomEvent<…>` of each class, by class name. */
function detailNames(source) {
  const names = new Map();

  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement) || !statement.name) continue;
    const heritage = statement.heritageClauses?.flatMap((clause) => clause.types) ?? [];
    const base = heritage.find((type) => type.expression.getText(source) === 'CustomEvent');
    const argument = base?.typeArguments?.[0];
    if (argument) names.set(statement.name.text, argument.getText(source));
  }

  return names;
}

/**
 * Returns, by class name, each event class's `type`, detail type and whether its events bubble
 * and are composed. Throws when a class in `classNames` is missing from the module.
 */
export async function readEventTypes(classNames) {
  const text = readFileSync(EVENTS_MODULE, 'utf8');
  const source = ts.createSourceFile(EVENTS_MODULE, text, ts.ScriptTarget.ES2022, true);
  const shapes = detailShapes(source);
  const names = detailNames(source);
  const module = await tsImport(`../${EVENTS_MODULE}`, import.meta.url);
  const facts = new Map();

  for (const className of classNames) {
    const EventClass = module[className];
    if (typeof EventClass !== 'function') {
      throw new Error(`${EVENTS_MODULE} exports no class ${className}, which @fires names.`);
    }
    const event = new EventClass({});
    const detailName = names.get(className);
    facts.set(className, {
      type: event.type,
      detail: shapes.get(detailName) ?? detailName ?? '',
      bubbles: event.bubbles,
      composed: event.composed,
    });
  }

  return facts;
}
