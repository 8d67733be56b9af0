import { AddAutopilotDevicesHandler } from './add-autopilot-devices';
import { AssignAutopilotProfileHandler } from './assign-autopilot-profile';
import { CreateAutopilotProfileHandler } from './create-autopilot-profile';
import { DeleteAutopilotProfileHandler } from './delete-autopilot-profile';
import { RemoveAutopilotDeviceHandler } from './remove-autopilot-device';
import { UnassignAutopilotProfileHandler } from './unassign-autopilot-profile';
import { UpdateAutopilotProfileHandler } from './update-autopilot-profile';

export const autopilotCommandHandlers = [
  CreateAutopilotProfileHandler,
  UpdateAutopilotProfileHandler,
  DeleteAutopilotProfileHandler,
  AddAutopilotDevicesHandler,
  AssignAutopilotProfileHandler,
  UnassignAutopilotProfileHandler,
  RemoveAutopilotDeviceHandler,
];
