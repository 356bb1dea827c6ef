import { inject } from 'vitest';
import { describeJournalContract } from '../helpers/journal-contract.js';
import { pgJournals } from './journals.js';

describeJournalContract('PostgreSQL', pgJournals(inject('pg')));
