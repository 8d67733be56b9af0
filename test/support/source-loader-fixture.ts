import 'reflect-metadata';

// Run by source-loader.spec.ts through `node -r source-loader.js`: prints what Nest's injection
// reads (decorator metadata), then throws on a known line so the stack shows the mapped position.
const Injectable = (): ClassDecorator => () => undefined;
class Clock {}

@Injectable()
class Service {
  constructor(readonly clock: Clock) {}
}

const types = Reflect.getMetadata('design:paramtypes', Service) as unknown[];
console.log(`paramtypes: ${types.map((type) => (type as { name: string }).name).join(', ')}`);
throw new Error('thrown on line 15');
