/** The tests' own configurations (test/fixtures/configs/), independent of the user's delivery.config.json. */
import * as path from 'node:path';

export const FIXTURE_CONFIGS_DIR = path.resolve(__dirname, '..', 'fixtures', 'configs');
/** The example: project shop, tools and three member accounts, services web and orders. */
export const FIXTURE_CONFIG_PATH = path.join(FIXTURE_CONFIGS_DIR, 'example.json');
/** A second, different valid configuration, for the invariant checks. */
export const OTHER_CONFIG_PATH = path.join(FIXTURE_CONFIGS_DIR, 'other.json');
