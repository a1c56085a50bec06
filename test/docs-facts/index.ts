/** Every statement of every hand-written page. */
import { ECS_SERVICE } from './ecs-service';
import { GUIDES } from './guides';
import { OPERATING } from './operating';
import { PIPELINE } from './pipeline';
import { README } from './readme';
import { Stated } from './stated';
import { TEMPLATE_PAGES } from './template-pages';

export async function allStated(): Promise<Stated[]> {
  return [...README, ...GUIDES(), ...(await OPERATING()), ...TEMPLATE_PAGES(), ...PIPELINE(), ...ECS_SERVICE()];
}
