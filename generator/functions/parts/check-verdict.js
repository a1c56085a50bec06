// The part of the pre-traffic check that the CodeDeploy hook (codedeploy-check.js) and the
// ECS lifecycle hook (ecs-check.js) share: probe the test listener ATTEMPTS times, DELAY_MS
// apart, then read the service's alarms. Each includes it (`// @include`) after defining
// `http`, `cloudwatch` and `DescribeAlarmsCommand`, and names the verdict as its API spells
// it: ${SUCCEEDED} and ${FAILED} (CodeDeploy Succeeded/Failed, ECS SUCCEEDED/FAILED).
/* global http, cloudwatch, DescribeAlarmsCommand */
/* exported verdict */
function probe(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => {
      console.log(JSON.stringify({ url, error: err.message }));
      resolve(0);
    });
  });
}

async function verdict() {
  const url = process.env.TEST_URL;
  const attempts = Number(process.env.ATTEMPTS);
  for (let i = 1; i <= attempts; i++) {
    if (i > 1) await new Promise((r) => setTimeout(r, Number(process.env.DELAY_MS)));
    const status = await probe(url);
    console.log(JSON.stringify({ attempt: i, url, status }));
    if (!(status >= 200 && status < 300)) return '${FAILED}';
  }
  const names = process.env.ALARM_NAMES.split(',');
  const out = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names }));
  const firing = (out.MetricAlarms || []).filter((a) => a.StateValue === 'ALARM').map((a) => a.AlarmName);
  if (firing.length > 0) {
    console.log(JSON.stringify({ alarms: firing }));
    return '${FAILED}';
  }
  return '${SUCCEEDED}';
}
