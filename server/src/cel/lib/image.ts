// Container image references as Kyverno's image library reads them: go-containerregistry's
// name.ParseReference, whose Docker Hub registry is index.docker.io, whose one-component Hub
// repositories live under library/, and which reads `repo:tag@digest` as a digest reference (no tag).

const DEFAULT_REGISTRY = 'index.docker.io';

export class ImageRef {
  constructor(
    readonly text: string,
    readonly registry: string,
    readonly repository: string,
    readonly tag: string,
    readonly digest: string,
  ) {}

  static parse(text: string): ImageRef | undefined {
    const m = /^(?:([^/]+)\/)?([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$/.exec(text);
    if (!m) return undefined;
    const [, first, rest, tag = '', digest = ''] = m as unknown as [string, string | undefined, string, string?, string?];
    let registry = DEFAULT_REGISTRY;
    let repository = rest;
    if (first !== undefined) {
      if (first.includes('.') || first.includes(':') || first === 'localhost') registry = first === 'docker.io' ? DEFAULT_REGISTRY : first;
      else if (/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(first)) repository = `${first}/${rest}`;
      else return undefined;
    }
    if (registry === DEFAULT_REGISTRY && !repository.includes('/')) repository = `library/${repository}`;
    if (digest) return new ImageRef(text, registry, repository, '', digest);
    return new ImageRef(text, registry, repository, tag || 'latest', '');
  }

  identifier(): string {
    return this.digest || this.tag;
  }
}
