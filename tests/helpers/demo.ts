/** Looks up demo data the way a client would, through the API. */
import type { UnitDto, UserDto } from '../../server/contract/identity.ts';
import type { TestClient } from './server.ts';

export async function demoDirectory(admin: TestClient) {
  const units = (await admin.get<{ units: UnitDto[] }>('/api/v1/units')).body.units;
  const users = (await admin.get<{ users: UserDto[] }>('/api/v1/users?limit=500')).body.users;
  return {
    unit: (name: string) => {
      const unit = units.find((u) => u.name === name);
      if (unit === undefined) throw new Error(`no demo unit ${name}`);
      return unit;
    },
    user: (username: string) => {
      const user = users.find((u) => u.username === username);
      if (user === undefined) throw new Error(`no demo user ${username}`);
      return user;
    },
  };
}
