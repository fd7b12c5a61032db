import { readFileSync } from 'node:fs';
import path from 'node:path';
import { instructions, portFrom } from '../../../../scripts/emulator/main';

describe('emulator main', () => {
  describe('portFrom', () => {
    it.each<[string[], number | undefined]>([
      [[], 5000],
      [['--port', '5001'], 5001],
      [['--port', '0'], undefined],
    ])('reads %j as port %s', (args, port) => {
      expect(portFrom(args)).toBe(port);
    });

    it.each([[['--port']], [['--port', '70000']], [['--port', 'x']], [['--host', '1']], [['--port', '1', '2']]])(
      'refuses %j with the usage',
      (args) => {
        expect(() => portFrom(args)).toThrow('usage: npm run emulator [-- --port N]');
      },
    );
  });

  describe('instructions', () => {
    const text = instructions(
      'http://127.0.0.1:5000',
      [
        { repositoryName: 'shop/web', about: 'fine', images: 4 },
        { repositoryName: 'data/etl', about: 'leaky', images: 5 },
      ],
      new Date('2026-06-01T12:00:00.123Z'),
    );

    it('prints the endpoint, region and what was seeded', () => {
      expect(text).toContain('ECR emulator (moto) at http://127.0.0.1:5000, region us-east-1: 2 repositories, 9 images.');
      expect(text).toContain('  shop/web  fine\n  data/etl  leaky');
    });

    it('prints the exact commands, credentials included, and the audit 30 days on', () => {
      expect(text).toContain('export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing');
      expect(text).toMatch(/^ {2}node dist\/cli\.js audit --endpoint http:\/\/127\.0\.0\.1:5000 --region us-east-1 +# policies/m);
      expect(text).toContain('--now 2026-07-01T12:00:00Z');
      expect(text).toContain('node dist/cli.js remediate --endpoint http://127.0.0.1:5000 --region us-east-1 --apply');
    });

    it('explains the naive sum beside the stored bytes, and what moto cannot show', () => {
      expect(text).toContain(
        "the audit's naive sum (those sizes added up) is tiny beside\nstored (each blob of the manifests once per repository",
      );
      expect(text).toContain("moto does not report a referrer's subject");
    });

    it('suggests writing only files that git ignores, so that a try-out leaves the checkout clean', () => {
      const written = [...text.matchAll(/--out (\S+)/g)].map((m) => m[1]);
      const ignored = readFileSync(path.join(__dirname, '../../../../.gitignore'), 'utf8').split('\n');

      expect(written).toEqual(['account.json']);
      for (const file of written) expect(ignored).toContain(file);
    });
  });
});
