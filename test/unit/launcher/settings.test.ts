/** The local Neo4j's settings: read from the environment in one place, a bad value named. */
import { describe, expect, it } from 'vitest';
import { LauncherError, localNeo4jSettings } from '../../../launcher/index';

describe('localNeo4jSettings', () => {
  it('uses the defaults, or a caller’s own, when nothing is set', () => {
    expect(localNeo4jSettings({})).toEqual({ heap: '3g', pageCache: '1g', javaOpts: ['-XX:+UseG1GC'], config: '' });
    expect(localNeo4jSettings({}, { heap: '512m', pageCache: '128m' })).toMatchObject({ heap: '512m', pageCache: '128m' });
  });

  it('takes the environment over the defaults', () => {
    const env = { AG_NEO4J_HEAP: '4g', AG_NEO4J_PAGECACHE: '2G', AG_NEO4J_JAVA_OPTS: '-XX:+UseZGC  -Dx=1', AG_NEO4J_CONFIG: 'db.transaction.timeout=7s; a=b' };
    expect(localNeo4jSettings(env, { heap: '1g' })).toEqual({ heap: '4g', pageCache: '2G', javaOpts: ['-XX:+UseZGC', '-Dx=1'], config: env.AG_NEO4J_CONFIG });
  });

  it('refuses a bad value, naming the variable, every problem at once', () => {
    const bad = () => localNeo4jSettings({ AG_NEO4J_HEAP: '3 GB', AG_NEO4J_PAGECACHE: '-1g', AG_NEO4J_JAVA_OPTS: '-Xmx8g UseG1GC', AG_NEO4J_CONFIG: 'a=b; broken' });
    expect(bad).toThrow(LauncherError);
    expect(bad).toThrow(/AG_NEO4J_HEAP must be a size such as 512m or 3g, got "3 GB"/);
    expect(bad).toThrow(/AG_NEO4J_PAGECACHE must be a size/);
    expect(bad).toThrow(/AG_NEO4J_JAVA_OPTS holds "-Xmx8g": set the heap with AG_NEO4J_HEAP/);
    expect(bad).toThrow(/"UseG1GC", which is not a JVM option/);
    expect(bad).toThrow(/AG_NEO4J_CONFIG entry "broken" is not key=value/);
  });
});
