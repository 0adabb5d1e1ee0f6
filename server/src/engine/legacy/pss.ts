// Pod Security Standards (baseline / restricted, latest) as checks over a Pod template.
import { isObj } from '../../k8s/objects.ts';

export interface PssViolation {
  control: string;
  detail: string;
  /** Set for container-level violations. */
  image?: string;
  /** The restricted field, in Kyverno's exclusion notation (spec.containers[*].securityContext.privileged). */
  field?: string;
  value?: unknown;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (isObj(v) ? v : {});

const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const CONTAINER_FIELDS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** The Pod template of a Pod or Pod controller: [metadata, spec]; undefined for other kinds. */
export function podTemplate(resource: Obj): [Obj, Obj] | undefined {
  const spec = obj(resource.spec);
  if (resource.kind === 'Pod') return [obj(resource.metadata), spec];
  if (isObj(spec.template)) return [obj(spec.template.metadata), obj(spec.template.spec)];
  const job = obj(obj(spec.jobTemplate).spec);
  if (isObj(job.template)) return [obj(job.template.metadata), obj(job.template.spec)];
  return undefined;
}

export function checkPodSecurity(resource: Obj, level: string, _version: string): PssViolation[] {
  const tpl = podTemplate(resource);
  if (!tpl || level === 'privileged') return [];
  const [meta, spec] = tpl;
  const out: PssViolation[] = [];
  baseline(meta, spec, out);
  if (level === 'restricted') restricted(spec, out);
  return out;
}

function containers(spec: Obj): { c: Obj; field: string }[] {
  const out: { c: Obj; field: string }[] = [];
  for (const f of CONTAINER_FIELDS) {
    const list = spec[f];
    if (Array.isArray(list)) for (const c of list) if (isObj(c)) out.push({ c, field: `spec.${f}[*]` });
  }
  return out;
}

function baseline(meta: Obj, spec: Obj, out: PssViolation[]): void {
  const psc = obj(spec.securityContext);
  const cs = containers(spec);
  const add = (control: string, detail: string, field?: string, value?: unknown, image?: string) => out.push({ control, detail, field, value, image });

  if (obj(psc.windowsOptions).hostProcess === true) add('HostProcess', 'hostProcess is true', 'spec.securityContext.windowsOptions.hostProcess', true);
  for (const { c, field } of cs) {
    if (obj(obj(c.securityContext).windowsOptions).hostProcess === true) add('HostProcess', `container ${String(c.name)} sets hostProcess`, `${field}.securityContext.windowsOptions.hostProcess`, true, String(c.image));
  }
  for (const k of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[k] === true) add('Host Namespaces', `${k} is true`, `spec.${k}`, true);
  for (const { c, field } of cs) {
    const sc = obj(c.securityContext);
    const image = String(c.image);
    if (sc.privileged === true) add('Privileged Containers', `container ${String(c.name)} is privileged`, `${field}.securityContext.privileged`, true, image);
    const caps = obj(sc.capabilities);
    for (const cap of Array.isArray(caps.add) ? caps.add : []) {
      if (!BASELINE_CAPS.has(String(cap))) add('Capabilities', `container ${String(c.name)} adds ${String(cap)}`, `${field}.securityContext.capabilities.add`, cap, image);
    }
    for (const p of Array.isArray(c.ports) ? c.ports : []) {
      const hp = obj(p).hostPort;
      if (hp !== undefined && hp !== 0) add('Host Ports', `container ${String(c.name)} uses hostPort ${String(hp)}`, `${field}.ports[*].hostPort`, hp, image);
    }
    if (sc.procMount !== undefined && sc.procMount !== 'Default') add('/proc Mount Type', `container ${String(c.name)} sets procMount`, `${field}.securityContext.procMount`, sc.procMount, image);
    selinux(obj(sc.seLinuxOptions), `${field}.securityContext.seLinuxOptions`, image, add);
    const st = obj(sc.seccompProfile).type;
    if (st === 'Unconfined') add('Seccomp', `container ${String(c.name)} sets seccompProfile Unconfined`, `${field}.securityContext.seccompProfile.type`, st, image);
    const aa = obj(sc.appArmorProfile).type;
    if (aa !== undefined && aa !== 'RuntimeDefault' && aa !== 'Localhost') add('AppArmor', `container ${String(c.name)} sets appArmorProfile ${String(aa)}`, `${field}.securityContext.appArmorProfile.type`, aa, image);
  }
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
    if (isObj(v) && v.hostPath !== undefined) add('HostPath Volumes', `volume ${String(v.name)} is a hostPath`, 'spec.volumes[*].hostPath', obj(v.hostPath).path);
  }
  for (const [k, v] of Object.entries(obj(meta.annotations))) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !String(v).startsWith('localhost/')) {
      add('AppArmor', `annotation ${k} is ${String(v)}`, 'metadata.annotations', v);
    }
  }
  const paa = obj(psc.appArmorProfile).type;
  if (paa !== undefined && paa !== 'RuntimeDefault' && paa !== 'Localhost') add('AppArmor', `appArmorProfile is ${String(paa)}`, 'spec.securityContext.appArmorProfile.type', paa);
  selinux(obj(psc.seLinuxOptions), 'spec.securityContext.seLinuxOptions', undefined, add);
  if (obj(psc.seccompProfile).type === 'Unconfined') add('Seccomp', 'seccompProfile is Unconfined', 'spec.securityContext.seccompProfile.type', 'Unconfined');
  for (const s of Array.isArray(psc.sysctls) ? psc.sysctls : []) {
    const name = String(obj(s).name);
    if (!SAFE_SYSCTLS.has(name)) add('Sysctls', `sysctl ${name} is not safe`, 'spec.securityContext.sysctls[*].name', name);
  }
}

function selinux(o: Obj, field: string, image: string | undefined, add: (c: string, d: string, f?: string, v?: unknown, i?: string) => void): void {
  if (o.type !== undefined && !SELINUX_TYPES.has(String(o.type))) add('SELinux', `seLinuxOptions.type ${String(o.type)}`, `${field}.type`, o.type, image);
  if (o.user !== undefined && o.user !== '') add('SELinux', 'seLinuxOptions.user is set', `${field}.user`, o.user, image);
  if (o.role !== undefined && o.role !== '') add('SELinux', 'seLinuxOptions.role is set', `${field}.role`, o.role, image);
}

function restricted(spec: Obj, out: PssViolation[]): void {
  const psc = obj(spec.securityContext);
  const cs = containers(spec);
  const add = (control: string, detail: string, field?: string, value?: unknown, image?: string) => out.push({ control, detail, field, value, image });
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
    if (!isObj(v)) continue;
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type && !RESTRICTED_VOLUMES.has(type)) add('Volume Types', `volume ${String(v.name)} has type ${type}`, 'spec.volumes[*]', `spec.volumes[*].${type}`);
  }
  const windows = obj(spec.os).name === 'windows';
  const podNonRoot = psc.runAsNonRoot === true;
  if (psc.runAsNonRoot === false) add('Running as Non-root', 'runAsNonRoot is false', 'spec.securityContext.runAsNonRoot', false);
  if (psc.runAsUser === 0) add('Running as Non-root user', 'runAsUser is 0', 'spec.securityContext.runAsUser', 0);
  const podSeccomp = obj(psc.seccompProfile).type;
  for (const { c, field } of cs) {
    const sc = obj(c.securityContext);
    const image = String(c.image);
    const name = String(c.name);
    if (!windows && sc.allowPrivilegeEscalation !== false) add('Privilege Escalation', `container ${name} does not set allowPrivilegeEscalation false`, `${field}.securityContext.allowPrivilegeEscalation`, sc.allowPrivilegeEscalation, image);
    if (sc.runAsNonRoot === false) add('Running as Non-root', `container ${name} sets runAsNonRoot false`, `${field}.securityContext.runAsNonRoot`, false, image);
    else if (!podNonRoot && sc.runAsNonRoot !== true) add('Running as Non-root', `container ${name} does not set runAsNonRoot`, `${field}.securityContext.runAsNonRoot`, sc.runAsNonRoot, image);
    if (sc.runAsUser === 0) add('Running as Non-root user', `container ${name} runs as user 0`, `${field}.securityContext.runAsUser`, 0, image);
    if (!windows) {
      const st = obj(sc.seccompProfile).type;
      const effective = st ?? podSeccomp;
      if (effective !== 'RuntimeDefault' && effective !== 'Localhost' && effective !== 'Unconfined') add('Seccomp', `container ${name} has no RuntimeDefault/Localhost seccompProfile`, `${field}.securityContext.seccompProfile.type`, st, image);
      const caps = obj(sc.capabilities);
      const drop = Array.isArray(caps.drop) ? caps.drop.map(String) : [];
      if (!drop.includes('ALL')) add('Capabilities', `container ${name} does not drop ALL capabilities`, `${field}.securityContext.capabilities.drop`, caps.drop, image);
      for (const cap of Array.isArray(caps.add) ? caps.add : []) {
        if (cap !== 'NET_BIND_SERVICE' && BASELINE_CAPS.has(String(cap))) add('Capabilities', `container ${name} adds ${String(cap)}`, `${field}.securityContext.capabilities.add`, cap, image);
      }
    }
  }
}
