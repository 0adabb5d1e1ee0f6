import { kindsForResource } from '../k8s/discovery.ts';

/**
 * matchConstraints name plural resources; the model indexes by kind. Unknown plurals (CRDs) keep
 * a readable guess so the index still groups them, marked by the lowercase name itself.
 */
export function kindsForPlural(group: string, plural: string): string[] {
  const kinds = kindsForResource(group, '*', plural);
  return kinds.length ? kinds : [plural];
}
