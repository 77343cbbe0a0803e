import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runtimeUsesOfEntity } from './schema-drift';

describe('runtimeUsesOfEntity', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'entity-use-'));
    const files: Record<string, string> = {
      'libs/a/src/phone.repository.ts': [
        "import { PhoneEntity } from './phone.entity';",
        'export class PhoneRepository {',
        '  constructor(@InjectRepository(AuditEntity) private readonly audits: Repository<AuditEntity>) {}',
        '  find(mac: string) { return this.dataSource.getRepository(PhoneEntity).findOneBy({ mac }); }',
        '  save(manager: EntityManager, row: SiteRow) { return manager.upsert(SiteEntity, row, ["name"]); }',
        '}',
      ].join('\n'),
      'libs/a/src/a.module.ts': 'imports: [TypeOrmModule.forFeature([PhoneEntity, JobEntity])],',
      'libs/a/src/raw.ts': 'const rows = (await this.db.query(`SELECT * FROM report`)) as ReportEntity[];',
      'libs/a/src/phone.repository.spec.ts': 'dataSource.getRepository(ReportEntity)',
      'libs/a/src/migrations/1-x.ts': 'q.manager.getRepository(ReportEntity)',
      'apps/b/src/main.ts': 'dataSource.createQueryBuilder(ReportRow, "r")',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ['PhoneEntity', ['libs/a/src/a.module.ts:1', 'libs/a/src/phone.repository.ts:4']],
    ['AuditEntity', ['libs/a/src/phone.repository.ts:3']],
    ['SiteEntity', ['libs/a/src/phone.repository.ts:5']],
    ['JobEntity', ['libs/a/src/a.module.ts:1']],
    ['ReportRow', ['apps/b/src/main.ts:1']],
  ])('finds where runtime code passes %s to TypeORM', (entity, where) => {
    expect(runtimeUsesOfEntity(root, entity).sort()).toEqual(where);
  });

  it('does not count imports, casts of raw rows, tests or migrations', () => {
    expect(runtimeUsesOfEntity(root, 'ReportEntity')).toEqual([]);
  });
});
