import { Module } from '@nestjs/common';
import { AutopilotQueries } from '../../projections/autopilot/autopilot.queries';
import { GdapRelationshipsQueries } from '../../projections/gdap/gdap-relationships.queries';
import { DelegatedAdminModule } from '../delegated-admin/delegated-admin.module';
import { queriesProvider } from '../platform/read-store/read-side';
import { AddAutopilotDevicesHandler } from './add-autopilot-devices';
import { AssignAutopilotProfileHandler } from './assign-autopilot-profile';
import { AutopilotResolver } from './autopilot.resolver';
import { CreateAutopilotProfileHandler } from './create-autopilot-profile';
import { DeleteAutopilotProfileHandler } from './delete-autopilot-profile';
import { RemoveAutopilotDeviceHandler } from './remove-autopilot-device';
import { UnassignAutopilotProfileHandler } from './unassign-autopilot-profile';
import { UpdateAutopilotProfileHandler } from './update-autopilot-profile';

/** R30–R36: a customer's Windows Autopilot registry. */
@Module({
  imports: [DelegatedAdminModule],
  providers: [
    CreateAutopilotProfileHandler,
    UpdateAutopilotProfileHandler,
    DeleteAutopilotProfileHandler,
    AddAutopilotDevicesHandler,
    AssignAutopilotProfileHandler,
    UnassignAutopilotProfileHandler,
    RemoveAutopilotDeviceHandler,
    AutopilotResolver,
    queriesProvider(AutopilotQueries),
    // GDAP's grants: under dap-required they open Autopilot as DAP does (R35, R67, R36).
    queriesProvider(GdapRelationshipsQueries),
  ],
})
export class AutopilotModule {}
