import { metadataProblem } from '../../../src/platform/event-store/event-metadata';
import { newMetadata, testActor } from '../../support/events';

describe('metadataProblem: what every reader of an event takes for granted', () => {
  it('passes the metadata the product writes, with or without schemaVersion and fields it does not know', () => {
    const { schemaVersion: _omitted, ...unversioned } = newMetadata();
    expect(metadataProblem(newMetadata())).toBeUndefined();
    expect(metadataProblem(unversioned)).toBeUndefined();
    expect(metadataProblem({ ...newMetadata(), addedLater: [1] })).toBeUndefined();
    expect(
      metadataProblem(newMetadata({ actor: { ...testActor, tenantKind: 'operator', roles: [] } })),
    ).toBeUndefined();
  });

  it.each([
    ['null', null, 'it is not an object'],
    ['a list', [], 'it is not an object'],
    ['a number', 42, 'it is not an object'],
    [
      'no correlation id',
      { ...newMetadata(), correlationId: undefined },
      'correlationId is not text',
    ],
    ['a numeric causation id', { ...newMetadata(), causationId: 7 }, 'causationId is not text'],
    [
      'a moment as a number',
      { ...newMetadata(), occurredAt: 5 },
      'occurredAt is not a date and time',
    ],
    [
      'a moment that is no date',
      { ...newMetadata(), occurredAt: 'tuesday' },
      'occurredAt is not a date and time',
    ],
    [
      'a fractional schema version',
      { ...newMetadata(), schemaVersion: 1.5 },
      'schemaVersion is not a positive integer',
    ],
    [
      'schema version 0',
      { ...newMetadata(), schemaVersion: 0 },
      'schemaVersion is not a positive integer',
    ],
    ['no actor', { ...newMetadata(), actor: null }, 'actor is not an object'],
    ['an actor as text', { ...newMetadata(), actor: 'ann' }, 'actor is not an object'],
    [
      'a numeric user id',
      { ...newMetadata(), actor: { ...testActor, userId: 1 } },
      'actor.userId is not text',
    ],
    [
      'no actor name',
      { ...newMetadata(), actor: { ...testActor, name: undefined } },
      'actor.name is not text',
    ],
    [
      'no actor tenant',
      { ...newMetadata(), actor: { ...testActor, tenantId: null } },
      'actor.tenantId is not text',
    ],
    [
      'an unknown tenant kind',
      { ...newMetadata(), actor: { ...testActor, tenantKind: 'admin' } },
      'actor.tenantKind is not one of partner, customer, operator',
    ],
    [
      'roles as text',
      { ...newMetadata(), actor: { ...testActor, roles: 'AdminAgent' } },
      'actor.roles is not a list of text',
    ],
    [
      'a numeric role',
      { ...newMetadata(), actor: { ...testActor, roles: ['AdminAgent', 3] } },
      'actor.roles is not a list of text',
    ],
  ])('names %s', (_, metadata, problem) => {
    expect(metadataProblem(metadata)).toBe(problem);
  });
});
