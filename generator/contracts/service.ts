/**
 * What the service templates (templates/ecs-service, ecs-service-native.ts) share with the
 * stacks beside them: logical IDs, listener ports, the container's name, the health check
 * (declared in blocks/service/facts.ts, which the service templates build on). The tag
 * that names a deploy role's service is core/naming.ts's SERVICE_TAG.
 */
export { CONTAINER_NAME, ECS_SERVICE_IDS, HEALTH_CHECK, HEALTH_CHECK_PATH, PRODUCTION_PORT, TEST_PORT } from '../blocks/service/facts';
