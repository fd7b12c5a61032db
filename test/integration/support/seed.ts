// The seeding helpers live with the local emulator (scripts/emulator/seed.ts), which seeds the same
// kind of account for `npm run emulator`; the integration tests import them from here.
export * from '../../../scripts/emulator/seed';
