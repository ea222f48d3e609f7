// libpq, loaded when a PostgreSQL connection is first made rather than
// linked: linked, its two dozen shared libraries (TLS, Kerberos, LDAP) would
// be loaded by every run, tripling the start-up time of a `retort current`
// on SQLite, and SQLite-only machines would need libpq installed.
#pragma once

#include <libpq-fe.h>

namespace retort::dialect {

// The libpq functions retort uses. Each instance holds a reference on the
// library (dlopen counts them); copies are not allowed.
class LibPq {
 public:
  // Throws Error(kDatabase) when libpq.so.5 cannot be loaded.
  LibPq();
  ~LibPq();
  LibPq(const LibPq&) = delete;
  LibPq& operator=(const LibPq&) = delete;

  decltype(&::PQconnectdb) connectdb = nullptr;
  decltype(&::PQstatus) status = nullptr;
  decltype(&::PQerrorMessage) errorMessage = nullptr;
  decltype(&::PQfinish) finish = nullptr;
  decltype(&::PQsetNoticeProcessor) setNoticeProcessor = nullptr;
  decltype(&::PQexec) exec = nullptr;
  decltype(&::PQexecParams) execParams = nullptr;
  decltype(&::PQresultStatus) resultStatus = nullptr;
  decltype(&::PQresultErrorField) resultErrorField = nullptr;
  decltype(&::PQresultErrorMessage) resultErrorMessage = nullptr;
  decltype(&::PQclear) clear = nullptr;
  decltype(&::PQntuples) ntuples = nullptr;
  decltype(&::PQnfields) nfields = nullptr;
  decltype(&::PQgetisnull) getisnull = nullptr;
  decltype(&::PQgetvalue) getvalue = nullptr;
  decltype(&::PQgetlength) getlength = nullptr;
  decltype(&::PQtransactionStatus) transactionStatus = nullptr;
  decltype(&::PQenterPipelineMode) enterPipelineMode = nullptr;
  decltype(&::PQexitPipelineMode) exitPipelineMode = nullptr;
  decltype(&::PQpipelineSync) pipelineSync = nullptr;
  decltype(&::PQsendQueryParams) sendQueryParams = nullptr;
  decltype(&::PQgetResult) getResult = nullptr;
  decltype(&::PQcmdTuples) cmdTuples = nullptr;
  decltype(&::PQconninfoParse) conninfoParse = nullptr;
  decltype(&::PQconninfoFree) conninfoFree = nullptr;
  decltype(&::PQfreemem) freemem = nullptr;

 private:
  void* handle_ = nullptr;
};

}  // namespace retort::dialect
