// The Pod label mutation the conflict-join tests build their workspaces from: autogen off, so each
// policy is one rule in one (Pod, metadata.labels.*) bucket and the counts the tests make are plain.

/** ClusterPolicy `name` with one rule `rule` on Pods (autogen off); `body` is the rule's lines after its match. */
export const podPolicy = (name: string, rule: string, body: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${name}
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  rules:
    - name: ${rule}
      match:
        any:
          - resources:
              kinds: [Pod]
${body}`;

/** ClusterPolicy `name` whose rule `rule` sets Pod labels by strategic merge; values are written as given (quote them). */
export const labelMutation = (name: string, rule: string, labels: Record<string, string>) =>
  podPolicy(name, rule, `      mutate:
        patchStrategicMerge:
          metadata:
            labels:
${Object.entries(labels).map(([key, value]) => `              ${key}: ${value}`).join('\n')}
`);
