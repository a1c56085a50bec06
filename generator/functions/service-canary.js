// The canary script of service-canary.json (CommonJS, AWS SDK v3 of the runtime). It
// requests the public host name, or looks the load balancer up by name, then runs one HTTP
// step against the production listener: any answer outside 2xx, a missing load balancer, a
// TLS failure or a timeout fails the run. executeHttpStep takes Node.js http.request options
// (CloudWatch User Guide, "Library functions available for Node.js canary"), so
// https.request's TLS options apply: `checkServerIdentity` skips only the name check, the
// chain is verified.
'use strict';
const synthetics = require('@aws/synthetics-puppeteer');
const { ElasticLoadBalancingV2Client, DescribeLoadBalancersCommand } = require('@aws-sdk/client-elastic-load-balancing-v2');
const elb = new ElasticLoadBalancingV2Client({});

async function dnsName(name) {
  const out = await elb.send(new DescribeLoadBalancersCommand({ Names: [name] }));
  const lb = (out.LoadBalancers || [])[0];
  if (!lb || !lb.DNSName) throw new Error('load balancer ' + name + ' not found');
  return lb.DNSName;
}

exports.handler = async () => {
  const path = process.env.CHECK_PATH;
  const https = process.env.PROTOCOL === 'https';
  const publicName = process.env.PUBLIC_HOSTNAME;
  const options = {
    hostname: publicName || await dnsName(process.env.LOAD_BALANCER_NAME),
    port: Number(process.env.PORT),
    protocol: https ? 'https:' : 'http:',
    method: 'GET',
    path,
  };
  // The certificate names the service's domain, never the load balancer's DNS name.
  if (https && !publicName) options.checkServerIdentity = () => undefined;
  await synthetics.executeHttpStep('GET ' + path, options, (res) => new Promise((resolve, reject) => {
    res.on('error', reject);
    res.on('end', () => {
      if (res.statusCode >= 200 && res.statusCode < 300) resolve();
      else reject(new Error(path + ' answered ' + res.statusCode));
    });
    res.resume();
  }));
};
