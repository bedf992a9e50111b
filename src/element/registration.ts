/** An element class that names the package version it comes from. */
interface VersionedElement extends CustomElementConstructor {
  readonly version: string;
}

/**
 * Defines `tag` as `elementClass` in `registry` unless the tag is taken. Two copies of the
 * package on one page, such as two widgets that each bring the bundle, must not throw, so the
 * first definition stays and a console warning names both versions. The same class again is
 * ignored without a warning.
 */
export function defineOnce(
  tag: string,
  elementClass: VersionedElement,
  registry: CustomElementRegistry,
): void {
  const defined = registry.get(tag);

  if (defined === undefined) {
    registry.define(tag, elementClass);
  } else if (defined !== elementClass) {
    console.warn(`${tag} ${versionOf(defined)} is already defined; ignoring ${elementClass.version}.`);
  }
}

/** Returns the `version` of an element class, or `(unknown version)` for a class without one. */
function versionOf(elementClass: CustomElementConstructor): string {
  const { version } = elementClass as { version?: unknown };

  return typeof version === 'string' ? version : '(unknown version)';
}
