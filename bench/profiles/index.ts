/** The profiles the CLI knows, by name. Add a profile here to give it a `pnpm bench <name>` command. */
import type { AnyProfile } from '../src/profile.ts';
import { bittorrentProfile } from './bittorrent.ts';
import { cpuProfile } from './cpu.ts';
import { imageScalerProfile } from './image-scaler.ts';
import { tagGameProfile } from './tag-game.ts';
import { webProfile } from './web.ts';

export const profiles: readonly AnyProfile[] = [webProfile, imageScalerProfile, cpuProfile, tagGameProfile, bittorrentProfile];

export function findProfile(name: string): AnyProfile | undefined {
  return profiles.find((profile) => profile.name === name);
}
