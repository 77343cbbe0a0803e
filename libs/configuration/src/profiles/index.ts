export * from './profile.types';
export * from './effective-configuration';
