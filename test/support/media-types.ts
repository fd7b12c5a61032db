// The media types live with the emulator's seeding (scripts/emulator/media-types.ts), outside src so
// that the fixtures stay independent of the code they test; the unit tests import them from here.
export * from '../../scripts/emulator/media-types';
