/** The build specs of the build, unit test, image scan and deploy check projects. */
import { buildSpec, withRetries } from '../../blocks/buildspec';
import { ResourceHandle } from '../../core/template';
import { ARTIFACTS, IMAGE_FILE, IMAGE_FILE_KEY, PLAN_SCRIPT, PLAN_VARIABLES, RENDERED_DIR, RENDER_SCRIPT } from './ids';
import { REPORT_DIRECTORY } from './shared';

/** Registers QEMU emulators in the build host's kernel, for platforms other than its own. */
const EMULATION_IMAGE = 'tonistiigi/binfmt';

const SHELL = { shell: 'bash' };

/**
 * The build builds and pushes in one `docker buildx build --push` (an image index for two
 * platforms cannot go through the local image store). A retry runs it again only while
 * the tag is still missing: tags are immutable, and ECR writes the tag last, so a push
 * that failed after the tag landed is done. BuildKit's cache makes a retry a re-push.
 * Emulation is set up only for a platform other than the build host's.
 *
 * Layer cache: every build runs on a fresh CodeBuild host, so BuildKit's own cache is
 * empty. The build imports the layers of the last build from LAYER_CACHE and exports
 * this build's (mode=max: every stage) to a new directory that replaces it, which the
 * project's S3 cache keeps between builds (build spec `cache.paths`). Exporting a local
 * cache needs the docker-container builder (the docker driver cannot), for one platform
 * too. Docker's cache storage backends (docs.docker.com/build/cache/backends).
 */
export function buildBuildSpec(secret: ResourceHandle, environments: readonly string[]) {
  const image = '"$REGISTRY_HOST/$REPOSITORY_NAME:$IMAGE_TAG"';
  const exists = 'aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids "imageTag=$IMAGE_TAG" >/dev/null 2>&1';
  const templates = `"$CODEBUILD_SRC_DIR_${ARTIFACTS.templates}"`;
  const render = [
    `for environment in ${environments.join(' ')}; do`,
    `node ${templates}/${RENDER_SCRIPT} --templates-dir ${templates}/templates --service "$SERVICE_NAME"`,
    `--environment "$environment" --image ${image} --region "$AWS_REGION" --out-dir ${RENDERED_DIR} || exit 1; done`,
  ].join(' ');
  return buildSpec({
    version: 0.2,
    env: {
      ...SHELL,
      variables: { LAYER_CACHE: LAYER_CACHE_DIR },
      'secrets-manager': {
        REGISTRY_USERNAME: `\${${secret.logicalId}}:username`,
        REGISTRY_PASSWORD: `\${${secret.logicalId}}:password`,
      },
    },
    phases: {
      install: {
        commands: [
          'docker info >/dev/null 2>&1 || (nohup dockerd --host=unix:///var/run/docker.sock >/tmp/dockerd.log 2>&1 &)',
          "timeout 60 bash -c 'until docker info >/dev/null 2>&1; do sleep 1; done'",
        ],
      },
      pre_build: {
        commands: [
          withRetries('aws ecr get-login-password | docker login --username AWS --password-stdin "$REGISTRY_HOST"'),
          `if [ -n "$REGISTRY_USERNAME" ]; then ${withRetries(
            'printf %s "$REGISTRY_PASSWORD" | docker login --username "$REGISTRY_USERNAME" --password-stdin',
          )}; fi`,
        ],
      },
      build: {
        commands: [
          `if ${exists}; then PUSH=no; echo "image $IMAGE_TAG exists already (tags are immutable)"; else PUSH=yes; fi`,
          `if [ "$PUSH" = yes ] && [ "$IMAGE_PLATFORMS" != "linux/$(uname -m | sed 's/x86_64/amd64/;s/aarch64/arm64/')" ]; then ${withRetries(
            `docker run --privileged --rm ${EMULATION_IMAGE} --install arm64,amd64`,
          )}; fi`,
          'if [ "$PUSH" = yes ]; then docker buildx create --use --driver docker-container; fi',
          `if [ "$PUSH" = yes ]; then ${withRetries(
            `{ ${exists} || docker buildx build --platform "$IMAGE_PLATFORMS" --provenance=false --pull ${LAYER_CACHE_OPTIONS} --tag ${image} --push .; }`,
          )}; fi`,
          'if [ -d "$LAYER_CACHE-new" ]; then rm -rf "$LAYER_CACHE"; mv "$LAYER_CACHE-new" "$LAYER_CACHE"; fi',
          `printf '{"${IMAGE_FILE_KEY}":"%s"}\\n' ${image} > ${IMAGE_FILE}`,
          render,
        ],
      },
    },
    artifacts: { files: [IMAGE_FILE, `${RENDERED_DIR}/**/*`] },
    cache: { paths: [`${LAYER_CACHE_DIR}/**/*`] },
  });
}

/**
 * The check before each environment's deploy (a CodeBuild action per environment, which
 * sets ENVIRONMENT): scripts/plan-deploy.js from the templates source compares what the
 * build rendered with what the pipeline deployed there last, writes the updates to run
 * and exports STEPS, WIDENED and SUMMARY for the approval and the deploy.
 */
export function checkBuildSpec() {
  const script = `"$CODEBUILD_SRC_DIR_${ARTIFACTS.templates}/${PLAN_SCRIPT}"`;
  return buildSpec({
    version: 0.2,
    env: { ...SHELL, 'exported-variables': [...PLAN_VARIABLES] },
    phases: {
      build: {
        // CodeBuild sets CODEBUILD_INITIATOR to codepipeline/<pipeline name> for a pipeline's build.
        commands: [`out=$(node ${script} --pipeline "$(basename "$CODEBUILD_INITIATOR")" --environment "$ENVIRONMENT" --rendered-dir ${RENDERED_DIR} --out-dir .) && eval "$out"`],
      },
    },
    // deploy.json, deploy.config.json, prepare.json, prepare.config.json (and the build's image.json).
    artifacts: { files: ['*.json', 'widening.txt'] },
  });
}

/** Where the build keeps BuildKit's layer cache between builds (through the S3 cache). */
const LAYER_CACHE_DIR = '/root/.buildx-cache';
const LAYER_CACHE_OPTIONS = '--cache-from type=local,src="$LAYER_CACHE" --cache-to type=local,dest="$LAYER_CACHE-new",mode=max';

/**
 * The package managers' download caches the unit tests reuse through the S3 cache: npm,
 * pip, Go's build cache, Yarn and others under ~/.cache, Maven and Gradle.
 */
const PACKAGE_CACHES = ['/root/.npm/**/*', '/root/.cache/**/*', '/root/.m2/**/*', '/root/.gradle/caches/**/*'];

export function unitTestBuildSpec(reports: ResourceHandle) {
  return buildSpec({
    version: 0.2,
    env: SHELL,
    phases: {
      build: { commands: [`mkdir -p ${REPORT_DIRECTORY}`, 'bash -c "$UNIT_TEST_COMMAND"'] },
    },
    reports: {
      [`\${${reports.logicalId}.Arn}`]: { files: ['**/*.xml'], 'base-directory': REPORT_DIRECTORY, 'file-format': 'JUNITXML' },
    },
    cache: { paths: PACKAGE_CACHES },
  });
}

/** Manifest types the scan reads: an image (Docker or OCI), or an image index of several. */
const MANIFEST_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];

/**
 * Prints the images to scan, one `imageId platform` line each: every platform image of an
 * image index (ECR scans images, not indexes; attestations have the platform unknown/unknown),
 * or the tag itself for a single image.
 */
const LIST_IMAGES = [
  'const m = JSON.parse(require("fs").readFileSync("manifest.json", "utf8"));',
  'const l = (m.manifests || []).filter((x) => x.platform && x.platform.os !== "unknown")',
  '.map((x) => "imageDigest=" + x.digest + " " + x.platform.os + "/" + x.platform.architecture);',
  'console.log(l.join("\\n") || "imageTag=" + process.env.IMAGE_TAG);',
].join(' ');

/**
 * (The lines of this build spec avoid ": ", so that they stay plain YAML scalars: quoted
 * ones escape every double quote, and the template must stay small.)
 *
 * The scan polls ECR's scan of each pushed image (both of an image index) until it ends,
 * (PENDING, IN_PROGRESS, or not started yet), never longer than TIMEOUT_MINUTES in all,
 * and decides on the state it ends in (ImageScanStatus, ECR API reference):
 * - COMPLETE (basic scanning): the findings (`findings`);
 * - ACTIVE (enhanced scanning, Amazon Inspector: continuous, so never COMPLETE): the
 *   findings (`enhancedFindings`, named by vulnerability ID);
 * - FAILED with UnsupportedImageError (basic) or UNSUPPORTED_IMAGE (enhanced): the OS of
 *   the image is one ECR cannot scan (scratch, distroless); the step fails and says so,
 *   unless ALLOW_UNSUPPORTED (the service's scanAllowUnsupportedImage) is true;
 * - any other state (FINDINGS_UNAVAILABLE, LIMIT_EXCEEDED, ...) fails with ECR's description.
 * Every finding becomes a JUnit test case (CRITICAL ones failed, named with their platform
 * for an index), and the step fails when the CRITICAL findings of all images exceed the
 * threshold.
 */
export function scanBuildSpec(reports: ResourceHandle) {
  const repository = '--repository-name "$REPOSITORY_NAME"';
  const image = `${repository} --image-id "$id"`;
  const clean = 'gsub(/[^A-Za-z0-9._-]/, "_", $1); gsub(/[^A-Za-z0-9._-]/, "_", $2); gsub(/[^a-z0-9\\/]/, "_", $3)';
  const toJUnit = [
    `awk -F '\\t' 'BEGIN { print "<testsuite name=\\"image-scan\\">" }`,
    `{ ${clean}; if ($3 != "") $2 = $2 " (" $3 ")"; failure = ""; if ($1 == "CRITICAL") failure = "<failure message=\\"CRITICAL finding\\"/>";`,
    'printf "<testcase classname=\\"%s\\" name=\\"%s\\">%s</testcase>\\n", $1, $2, failure }',
    `END { print "</testsuite>" }' findings.tsv > ${REPORT_DIRECTORY}/image-scan.xml`,
  ].join(' ');
  const unsupported =
    'ECR cannot scan this image (unsupported OS, as in scratch or distroless images).' +
    ' To pass it unscanned, set scanAllowUnsupportedImage to true for this service.';
  const scanEach = [
    'CRITICAL=0; while read -r id platform <&3; do',
    // Poll: a scan not started yet (ScanNotFoundException) counts as pending.
    `while true; do s=$(aws ecr describe-image-scan-findings ${image} --no-paginate --query '[imageScanStatus.status,imageScanStatus.description]' --output text 2>&1) || s="PENDING $s";`,
    'read -r state _ <<< "$s"; case "$state" in PENDING|IN_PROGRESS) ;; *) break ;; esac;',
    'if [ "$SECONDS" -ge "$deadline" ]; then echo "no scan result for $id $platform after $TIMEOUT_MINUTES minutes (last state $s)"; exit 1; fi;',
    'echo "$id $platform $state, waiting"; sleep 15; done;',
    `if [ "$state" = UNSUPPORTED_IMAGE ] || { [ "$state" = FAILED ] && [[ "$s" == *UnsupportedImageError* ]]; }; then echo "$id $platform was not scanned - $s";`,
    `if [ "$ALLOW_UNSUPPORTED" = true ]; then echo "passing it unscanned, as scanAllowUnsupportedImage allows"; continue; fi; echo "${unsupported}"; exit 1; fi;`,
    'if [ "$state" != COMPLETE ] && [ "$state" != ACTIVE ]; then echo "the scan of $id $platform ended in $s"; exit 1; fi;',
    `q='imageScanFindings.findings[].[severity,name]'; if [ "$state" = ACTIVE ]; then echo "enhanced scanning (Amazon Inspector)"; q='imageScanFindings.enhancedFindings[].[severity,packageVulnerabilityDetails.vulnerabilityId || title]'; fi;`,
    `aws ecr describe-image-scan-findings ${image} --query "$q" --output text > findings.txt || exit 1;`,
    `grep -v '^None$' findings.txt | sed "s|$|\\t$platform|" >> findings.tsv;`,
    `n=$(grep -c '^CRITICAL' findings.txt); if [ "$n" -gt 0 ]; then echo "$id $platform has $n CRITICAL"; CRITICAL=$((CRITICAL + n)); fi; done 3< images.txt`,
  ].join(' ');
  return buildSpec({
    version: 0.2,
    env: SHELL,
    phases: {
      build: {
        commands: [
          `mkdir -p ${REPORT_DIRECTORY}; printf '' > findings.tsv; deadline=$((SECONDS + TIMEOUT_MINUTES * 60))`,
          `aws ecr batch-get-image ${repository} --image-ids "imageTag=$IMAGE_TAG" --accepted-media-types ${MANIFEST_MEDIA_TYPES.join(' ')} --query 'images[0].imageManifest' --output text > manifest.json`,
          `node -e '${LIST_IMAGES}' > images.txt`,
          scanEach,
          toJUnit,
          'echo "CRITICAL findings $CRITICAL, tolerated $CRITICAL_THRESHOLD"',
          'if [ "$CRITICAL" -gt "$CRITICAL_THRESHOLD" ]; then echo "the image has more CRITICAL findings than tolerated"; exit 1; fi',
        ],
      },
    },
    reports: {
      [`\${${reports.logicalId}.Arn}`]: { files: ['image-scan.xml'], 'base-directory': REPORT_DIRECTORY, 'file-format': 'JUNITXML' },
    },
  });
}
