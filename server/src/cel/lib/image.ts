// Container image references as Kyverno's image library reads them (docker.io defaults).

export class ImageRef {
  constructor(
    readonly text: string,
    readonly registry: string,
    readonly repository: string,
    readonly tag: string,
    readonly digest: string,
  ) {}

  static parse(text: string): ImageRef | undefined {
    const m = /^(?:([^/]+)\/)?([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$/.exec(text);
    if (!m) return undefined;
    let [, first, rest, tag = '', digest = ''] = m as unknown as [string, string | undefined, string, string?, string?];
    let registry = 'docker.io';
    let repository = rest;
    if (first !== undefined) {
      if (first.includes('.') || first.includes(':') || first === 'localhost') registry = first;
      else repository = `${first}/${rest}`;
    }
    if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
    if (!tag && !digest) tag = 'latest';
    return new ImageRef(text, registry, repository, tag, digest);
  }

  identifier(): string {
    return this.digest || this.tag;
  }
}
