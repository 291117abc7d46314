// The labels Docker Compose puts on what it creates, so that berth and docker compose recognize each other's
// projects on the same engine; plus berth's own per-key hashes, which let a plan say which keys changed.
export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  image: 'com.docker.compose.image',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  version: 'com.docker.compose.version',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  dependsOn: 'com.docker.compose.depends_on',
  /** berth: JSON {key: short hash} of the service's top-level keys, to name what changed on a recreate. */
  keyHashes: 'io.berth.config-keys',
} as const;
