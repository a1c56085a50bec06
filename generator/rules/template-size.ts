import { TEMPLATE_BODY_LIMIT_BYTES } from '../core/limits';
import { Rule } from './rule';

export const templateSize: Rule = {
  id: 'CD001',
  description: `a template fits in a TemplateBody (${TEMPLATE_BODY_LIMIT_BYTES.toLocaleString('en-US')} bytes) so that no S3 bucket is needed to deploy it`,
  source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html',
  check(_template, serialized) {
    const bytes = Buffer.byteLength(serialized, 'utf8');
    return bytes > TEMPLATE_BODY_LIMIT_BYTES ? [`template is ${bytes} bytes; a template body may have at most ${TEMPLATE_BODY_LIMIT_BYTES}`] : [];
  },
};
