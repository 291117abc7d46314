// The JSON bodies of the network, volume and exec endpoints, as dockerd declares them (moby api/types).
import type { GoSchema } from './go-types.js';
import { bool, int, list, str, strList, strMap, struct } from './go-types.js';
import { endpointSettings } from './container-create.js';

export const networkCreateSchema: GoSchema = {
  goType: 'types.NetworkCreateRequest',
  type: 'object',
  properties: {
    Name: str(),
    CheckDuplicate: bool(),
    Driver: str(),
    Scope: str(),
    EnableIPv6: bool(),
    IPAM: struct('network.IPAM', {
      Driver: str(),
      Options: strMap(),
      Config: list(
        '[]network.IPAMConfig',
        struct('network.IPAMConfig', { Subnet: str(), IPRange: str(), Gateway: str(), AuxiliaryAddresses: strMap() }),
      ),
    }),
    Internal: bool(),
    Attachable: bool(),
    Ingress: bool(),
    ConfigOnly: bool(),
    ConfigFrom: struct('network.ConfigReference', { Network: str() }),
    Options: strMap(),
    Labels: strMap(),
  },
};

export const networkConnectSchema: GoSchema = {
  goType: 'types.NetworkConnect',
  type: 'object',
  properties: { Container: str(), EndpointConfig: endpointSettings },
};

export const networkDisconnectSchema: GoSchema = {
  goType: 'types.NetworkDisconnect',
  type: 'object',
  properties: { Container: str(), Force: bool() },
};

export const volumeCreateSchema: GoSchema = {
  goType: 'volume.CreateOptions',
  type: 'object',
  properties: { Name: str(), Driver: str(), DriverOpts: strMap(), Labels: strMap() },
};

export const execCreateSchema: GoSchema = {
  goType: 'types.ExecConfig',
  type: 'object',
  properties: {
    User: str(),
    Privileged: bool(),
    Tty: bool(),
    ConsoleSize: list('*[2]uint', int('uint')),
    AttachStdin: bool(),
    AttachStderr: bool(),
    AttachStdout: bool(),
    Detach: bool(),
    DetachKeys: str(),
    Env: strList(),
    WorkingDir: str(),
    Cmd: strList(),
  },
};

export const execStartSchema: GoSchema = {
  goType: 'types.ExecStartCheck',
  type: 'object',
  properties: { Detach: bool(), Tty: bool(), ConsoleSize: list('*[2]uint', int('uint')) },
};
