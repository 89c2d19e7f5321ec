// The plan's serving images: the repository, then each container built by Cloud Build, before the functions name them.
import * as cmd from '../commands.ts';
import { CONTAINERS } from '../functions.ts';
import { cloudBuildConfig, dockerfile } from '../images.ts';
import type { PlanContext } from './context.ts';

export function imageSteps({ c, add, file }: PlanContext): void {
  add({
    id: 'images:repository',
    kind: 'image-repository',
    resource: cmd.imageRepository(c),
    command: cmd.imageRepositoryCommand(c),
  });
  for (const container of CONTAINERS) {
    const docker = file(`build/${container.image}.Dockerfile`, dockerfile(container));
    const build = file(
      `build/${container.image}.cloudbuild.json`,
      cloudBuildConfig(cmd.servingImage(c, container.image), docker),
    );
    add({
      id: `image:${container.image}`,
      kind: 'image',
      resource: cmd.servingImage(c, container.image),
      command: cmd.imageBuildCommand(c, container.image, build),
    });
  }
}
