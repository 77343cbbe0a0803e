export * from './phone-import.csv';
