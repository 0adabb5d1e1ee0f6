// Documents the protocol tests open or write to disk.

/** A ClusterPolicy whose validationFailureAction is misspelt (schema/enum on line 5). */
export const brokenPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team-label
spec:
  validationFailureAction: Enforcee
  rules:
    - name: check-team
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "label team is required"
        pattern:
          metadata:
            labels:
              team: "?*"
`;

export const fixedPolicy = brokenPolicy.replace('Enforcee', 'Enforce');

/** Two mutations writing the same field (for code lens and workspace symbols). */
export const mutateNonRoot = (name: string, value: boolean) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${name}
spec:
  rules:
    - name: ${name}-rule
      match:
        any:
          - resources:
              kinds: [Pod]
      mutate:
        patchStrategicMerge:
          spec:
            securityContext:
              runAsNonRoot: ${value}
`;

/** A CronJob with no activeDeadlineSeconds (cronjob/active-deadline-missing, with a fix). */
export const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "30 2 * * *"
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 300
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 3
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: report
              image: registry.example.com/report@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
`;

/** An incomplete ClusterPolicy being typed: the cursor goes after `spec:` on an indented blank line. */
export const policyBeingTyped = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: typing
spec:
  
`;
