// The Pod-only policy the impact, lens and blocked-workload tests share: autogen off, so a
// Deployment is admitted while the Pods its ReplicaSet creates are judged on their own.

/** ClusterPolicy pods-drop-all, rule drop-all: every container drops ALL capabilities. */
export const dropAllPolicy = (action = 'Audit', message = 'Containers must drop every capability.') => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: pods-drop-all
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  validationFailureAction: ${action}
  rules:
    - name: drop-all
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: ${message}
        pattern:
          spec:
            containers:
              - securityContext:
                  capabilities:
                    drop: [ALL]
`;
