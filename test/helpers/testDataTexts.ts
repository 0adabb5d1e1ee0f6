// A CronJob as test suites write their deliberately bad inputs: every CronJob check fires on it, so
// a quiet result on it shows that test data is not checked.
export const badCronJob = (name = 'bad') => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${name}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: c
            image: dummyimagename
`;
